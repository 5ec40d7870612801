#ifndef TMC_CLIBPQ_SHIM_H
#define TMC_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
