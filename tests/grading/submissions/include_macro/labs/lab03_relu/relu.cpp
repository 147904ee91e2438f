// Hostile: an include built by a macro, so no text check can see the path.
#define NNLAB_LEAK </etc/passwd>
#define NNLAB_STR(x) x
#include NNLAB_STR(NNLAB_LEAK)
