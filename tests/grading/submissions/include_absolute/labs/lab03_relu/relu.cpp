// Hostile: the compiler's errors would quote /etc/passwd line by line.
#include "/etc/passwd"
