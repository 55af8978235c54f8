#include "net/core/error.h"

using namespace Qt::StringLiterals;

namespace Berth {

bool Error::isTransient() const
{
    switch (code) {
    case ErrorCode::Network:
    case ErrorCode::Timeout:
    case ErrorCode::TooManyRequests:
    case ErrorCode::Server:
        return true;
    default:
        return false;
    }
}

bool Error::isItemError() const
{
    switch (code) {
    case ErrorCode::NotFound:
    case ErrorCode::BadResponse:
    case ErrorCode::DigestMismatch:
    case ErrorCode::TooLarge:
    case ErrorCode::Unsupported:
        return true;
    default:
        return false;
    }
}

QString Error::toString() const
{
    if (!isError())
        return {};
    if (message.isEmpty())
        return errorCodeName(code);
    return errorCodeName(code) + u": "_s + message;
}

QString errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::None:
        return u"No error"_s;
    case ErrorCode::Network:
        return u"Network error"_s;
    case ErrorCode::Timeout:
        return u"Timeout"_s;
    case ErrorCode::Cancelled:
        return u"Cancelled"_s;
    case ErrorCode::Tls:
        return u"TLS error"_s;
    case ErrorCode::Unauthorized:
        return u"Unauthorized"_s;
    case ErrorCode::Forbidden:
        return u"Forbidden"_s;
    case ErrorCode::NotFound:
        return u"Not found"_s;
    case ErrorCode::Conflict:
        return u"Conflict"_s;
    case ErrorCode::TooManyRequests:
        return u"Too many requests"_s;
    case ErrorCode::Server:
        return u"Server error"_s;
    case ErrorCode::Http:
        return u"HTTP error"_s;
    case ErrorCode::BadResponse:
        return u"Bad response"_s;
    case ErrorCode::DigestMismatch:
        return u"Digest mismatch"_s;
    case ErrorCode::TooLarge:
        return u"Too large"_s;
    case ErrorCode::Unsupported:
        return u"Unsupported"_s;
    case ErrorCode::InvalidInput:
        return u"Invalid input"_s;
    }
    return u"Unknown error"_s;
}

} // namespace Berth
