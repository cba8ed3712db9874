BIGNUM_SRCS := bignum/basic.c bignum/x86_64.c bignum/mul.c bignum/toom.c bignum/ssa.c bignum/div.c bignum/fib.c bignum/conv.c bignum/bignum.c
