#pragma once

#include <QMetaType>
#include <QString>

#include <optional>
#include <utility>

namespace Berth {

//! Every failure in net/ maps to one of these codes plus a message written for a person.
//! Messages never contain credentials or tokens.
enum class ErrorCode {
    None,
    Network,         //!< connection refused, reset, DNS, unexpected close
    Timeout,         //!< transfer timeout expired (not a cancel by us)
    Cancelled,       //!< cancelled by its owner
    Tls,             //!< certificate or handshake failure
    Unauthorized,    //!< 401 after authenticating (wrong credentials)
    Forbidden,       //!< 403, or a token without the needed scope
    NotFound,        //!< 404 / *_UNKNOWN
    Conflict,        //!< 409
    TooManyRequests, //!< 429 after the retries
    Server,          //!< 5xx after the retries
    Http,            //!< any other unexpected HTTP status
    BadResponse,     //!< malformed JSON, wrong shape, truncated body
    DigestMismatch,  //!< body does not hash to the digest asked for
    TooLarge,        //!< body over its cap, nesting over its cap
    Unsupported,     //!< a media type or operation the server or Berth cannot do
    InvalidInput,    //!< the caller's input (a reference, a tag) is not valid
};

struct Error
{
    ErrorCode code = ErrorCode::None;
    int httpStatus = 0;
    QString message;
    //! The server's Retry-After (ms) when it was longer than the scheduler waits out, so the
    //! request failed at once; 0 otherwise. Whoever retries later (watching) waits this long.
    qint64 retryAfterMs = 0;

    Error() = default;
    Error(ErrorCode c, QString msg, int status = 0)
        : code(c)
        , httpStatus(status)
        , message(std::move(msg))
    {}

    bool isError() const { return code != ErrorCode::None; }
    //! Worth retrying later (network trouble, 429, 5xx, timeout).
    bool isTransient() const;
    //! A failure of the one thing asked for (it is gone, broken, too large, of a kind Berth
    //! cannot read) rather than of the connection, the credentials or the server: the rest of a
    //! larger piece of work (an index's other platforms, a report's other tags) can go on.
    bool isItemError() const;
    //! "Not found: manifest unknown" style text: the code's name and the message.
    QString toString() const;
};

QString errorCodeName(ErrorCode code);

//! A value or an error; the small subset of std::expected Berth needs.
template<typename T>
class Result
{
public:
    Result(T value)
        : m_value(std::move(value))
    {}
    Result(Error error)
        : m_error(std::move(error))
    {}

    bool ok() const { return !m_error.isError(); }
    explicit operator bool() const { return ok(); }
    const T &value() const & { return *m_value; }
    T &value() & { return *m_value; }
    T &&value() && { return std::move(*m_value); }
    const T &operator*() const & { return *m_value; }
    const T *operator->() const { return &*m_value; }
    T *operator->() { return &*m_value; }
    const Error &error() const { return m_error; }

private:
    std::optional<T> m_value;
    Error m_error;
};

template<>
class Result<void>
{
public:
    Result() = default;
    Result(Error error)
        : m_error(std::move(error))
    {}
    bool ok() const { return !m_error.isError(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return m_error; }

private:
    Error m_error;
};

} // namespace Berth

Q_DECLARE_METATYPE(Berth::Error)
