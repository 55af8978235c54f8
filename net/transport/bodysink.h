#pragma once

#include <QByteArray>
#include <QObject>

namespace Berth {

//! How a body streamed into a BodySink came: whole (200) or the range asked for (206).
struct StreamedBlob
{
    bool partial = false; //!< 206: the body starts at the range's first byte
    qint64 bytes = 0;     //!< body bytes handed to the sink
};

//! Where a streamed response body goes instead of Response::body (a layer blob read by another
//! thread). The scheduler reads from the reply only while room() > 0, so a slow reader holds
//! the transfer back (QNetworkReply's read buffer then stops reading the socket) instead of the
//! body piling up in memory.
class BodySink : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BodySink)
public:
    using QObject::QObject;

    //! Bytes the sink takes now; thread-safe.
    virtual qint64 room() const = 0;
    //! Called once before the first bytes of a body: partial when the server answered a Range
    //! with 206 (the body starts at the range's first byte), false for a whole blob.
    virtual void begin(bool partial) { Q_UNUSED(partial) }
    //! Takes bytes of the body; called on the scheduler's thread. The scheduler writes more than
    //! room() only with the last bytes of a finished reply (at most its read buffer).
    virtual void write(const QByteArray &bytes) = 0;

Q_SIGNALS:
    //! The reader made room after room() had reached 0. May be emitted from the reader's thread.
    void roomAvailable();
};

} // namespace Berth
