#include "models/session/reachability.h"

namespace Berth {

bool isUnreachable(const Error &error)
{
    switch (error.code) {
    case ErrorCode::Network:
    case ErrorCode::Timeout:
        return true;
    case ErrorCode::Server:
        // What a proxy says when the registry behind it is down (Bad Gateway, Service
        // Unavailable, Gateway Timeout); a plain 500 is the registry's own answer.
        return error.httpStatus == 502 || error.httpStatus == 503 || error.httpStatus == 504;
    default:
        return false;
    }
}

} // namespace Berth
