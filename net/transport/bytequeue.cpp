#include "net/transport/bytequeue.h"

#include <QMutexLocker>

#include <cstring>

using namespace Qt::StringLiterals;

namespace Berth {

ByteQueue::ByteQueue(qint64 capacity, QObject *parent)
    : BodySink(parent)
    , m_capacity(capacity)
{}

qint64 ByteQueue::room() const
{
    QMutexLocker lock(&m_mutex);
    const qint64 room = m_closed || m_cancelled ? 0 : qMax<qint64>(0, m_capacity - m_queued);
    if (room == 0)
        m_producerStarved = true;
    return room;
}

bool ByteQueue::isFull() const
{
    QMutexLocker lock(&m_mutex);
    return m_queued >= m_capacity;
}

bool ByteQueue::isClosed() const
{
    QMutexLocker lock(&m_mutex);
    return m_closed || m_cancelled;
}

void ByteQueue::begin(bool partial)
{
    QMutexLocker lock(&m_mutex);
    m_partial = partial;
}

bool ByteQueue::partial() const
{
    QMutexLocker lock(&m_mutex);
    return m_partial;
}

void ByteQueue::write(const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return;
    QMutexLocker lock(&m_mutex);
    if (m_closed || m_cancelled)
        return;
    m_chunks.enqueue(bytes);
    m_queued += bytes.size();
    m_written += bytes.size();
    m_readable.wakeAll();
}

void ByteQueue::close(const Error &error)
{
    QMutexLocker lock(&m_mutex);
    if (m_closed || m_cancelled)
        return;
    m_closed = true;
    m_error = error;
    m_readable.wakeAll();
}

void ByteQueue::cancel()
{
    QMutexLocker lock(&m_mutex);
    if (m_cancelled)
        return;
    m_cancelled = true;
    m_chunks.clear();
    m_queued = 0;
    m_readable.wakeAll();
}

qint64 ByteQueue::read(char *data, qint64 max)
{
    bool signalRoom = false;
    qint64 copied = 0;
    {
        QMutexLocker lock(&m_mutex);
        while (!m_cancelled && m_chunks.isEmpty() && !m_closed)
            m_readable.wait(&m_mutex);
        if (m_cancelled)
            return -1;
        if (m_chunks.isEmpty())
            return m_error.isError() ? -1 : 0;
        while (copied < max && !m_chunks.isEmpty()) {
            const QByteArray &head = m_chunks.head();
            const qint64 n = qMin(max - copied, head.size() - m_headOffset);
            std::memcpy(data + copied, head.constData() + m_headOffset, size_t(n));
            copied += n;
            m_headOffset += n;
            if (m_headOffset == head.size()) {
                m_chunks.dequeue();
                m_headOffset = 0;
            }
        }
        m_queued -= copied;
        // Wake the producer once half the queue is free again, not on every read.
        if (m_producerStarved && m_queued <= m_capacity / 2) {
            m_producerStarved = false;
            signalRoom = true;
        }
    }
    if (signalRoom)
        Q_EMIT roomAvailable();
    return copied;
}

Error ByteQueue::error() const
{
    QMutexLocker lock(&m_mutex);
    if (m_cancelled)
        return Error(ErrorCode::Cancelled, u"cancelled"_s);
    return m_error;
}

qint64 ByteQueue::bytesWritten() const
{
    QMutexLocker lock(&m_mutex);
    return m_written;
}

} // namespace Berth
