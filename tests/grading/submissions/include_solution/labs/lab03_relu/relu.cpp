// Hostile: compiles the instructor's solution in, found through -I <source>/common.
#include "../solutions/lab03_relu/relu.cpp"
