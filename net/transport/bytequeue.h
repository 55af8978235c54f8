#pragma once

#include "net/core/error.h"
#include "net/transport/bodysink.h"

#include <QByteArray>
#include <QMutex>
#include <QQueue>
#include <QWaitCondition>

namespace Berth {

//! A bounded queue of bytes from the network (the scheduler's thread) to one reader thread: the
//! body of a layer on its way into the decompressor. The producer writes while room() > 0 and
//! ends the stream with close(); the reader blocks in read() until bytes, the end or an error
//! come. Either side may cancel(). Memory: at most capacity() plus one read buffer of the reply.
class ByteQueue final : public BodySink
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ByteQueue)
public:
    static constexpr qint64 DefaultCapacity = 4 * 1024 * 1024;

    explicit ByteQueue(qint64 capacity = DefaultCapacity, QObject *parent = nullptr);

    qint64 capacity() const { return m_capacity; }
    qint64 room() const override;
    //! The reader is behind: the queue holds its capacity (no side effects, unlike room()).
    bool isFull() const;
    //! The producer is done (complete or failed), or the queue was cancelled.
    bool isClosed() const;
    void begin(bool partial) override;
    //! The body is the range asked for (206), not the whole blob; known once read() returned
    //! bytes.
    bool partial() const;
    void write(const QByteArray &bytes) override;
    //! The producer is done: error none = the body is complete.
    void close(const Error &error = {});
    //! Stops both sides: read() fails with Cancelled, writes are dropped.
    void cancel();

    //! Blocks until bytes are there; copies up to max of them into data. Returns the count, 0 at
    //! the end of a complete body, -1 on an error (error() says which; Cancelled when cancelled).
    qint64 read(char *data, qint64 max);
    Error error() const;
    //! Bytes written so far (the progress of the transfer).
    qint64 bytesWritten() const;

private:
    const qint64 m_capacity;
    mutable QMutex m_mutex;
    QWaitCondition m_readable;
    QQueue<QByteArray> m_chunks;
    qint64 m_queued = 0;     //!< bytes in m_chunks not yet read
    qint64 m_headOffset = 0; //!< bytes of m_chunks.head() already read
    qint64 m_written = 0;
    mutable bool m_producerStarved = false; //!< room() said 0: signal roomAvailable on a read
    bool m_partial = false;
    bool m_closed = false;
    bool m_cancelled = false;
    Error m_error;
};

} // namespace Berth
