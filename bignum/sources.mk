BIGNUM_SRCS := bignum/basic.c bignum/mul.c bignum/ssa.c bignum/div.c bignum/fib.c bignum/conv.c bignum/bignum.c
