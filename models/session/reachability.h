#pragma once

#include "net/core/error.h"

namespace Berth {

//! True when error says the registry could not be reached at all: no connection (refused,
//! reset, DNS, no route), no answer in time, or a 502/503/504 from a proxy or load balancer in
//! front of it. Such a registry is offline: Berth shows its last known state and tries again.
//! A registry that answered and refused (401, 403, 404, 405, a 500 of its own, a TLS problem)
//! is not offline: that is a real error, shown as such and not retried by itself.
bool isUnreachable(const Error &error);

} // namespace Berth
