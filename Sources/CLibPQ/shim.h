#ifndef TMC_CLIBPQ_SHIM_H
#define TMC_CLIBPQ_SHIM_H
// pkg-config normally adds -I/usr/include/postgresql; without it, Debian's path still works.
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
#include <postgresql/libpq-fe.h>
#endif
#endif
