#include "net/layers/bytesource.h"

#include "net/transport/bytequeue.h"

#include <cstring>

using namespace Qt::StringLiterals;

namespace Berth {

qint64 QueueSource::read(char *data, qint64 max)
{
    return m_queue.read(data, max);
}

Error QueueSource::error() const
{
    return m_queue.error();
}

qint64 MemorySource::read(char *data, qint64 max)
{
    const qint64 n = qMin(max, m_bytes.size() - m_position);
    if (n > 0)
        std::memcpy(data, m_bytes.constData() + m_position, size_t(n));
    m_position += n;
    return n;
}

VerifyingSource::VerifyingSource(ByteSource &inner, QString digest, qint64 size)
    : m_inner(inner)
    , m_digest(std::move(digest))
    , m_size(size)
{}

qint64 VerifyingSource::fail(Error error)
{
    m_error = std::move(error);
    return -1;
}

qint64 VerifyingSource::read(char *data, qint64 max)
{
    if (m_error.isError())
        return -1;
    if (m_ended)
        return 0;
    const qint64 n = m_inner.read(data, max);
    if (n < 0)
        return fail(m_inner.error());
    if (n > 0) {
        m_read += n;
        if (m_size >= 0 && m_read > m_size) {
            return fail(Error(
                    ErrorCode::TooLarge,
                    u"the blob is larger than the %1 bytes its descriptor says"_s.arg(m_size)));
        }
        m_hash.add(QByteArrayView(data, n));
        return n;
    }
    if (m_size >= 0 && m_read != m_size) {
        return fail(Error(ErrorCode::BadResponse,
                          u"the blob ended after %1 of %2 bytes"_s.arg(m_read).arg(m_size)));
    }
    const QString actual = m_hash.finishDigest();
    if (!m_digest.isEmpty() && actual != m_digest) {
        return fail(Error(ErrorCode::DigestMismatch,
                          u"expected digest %1 but the blob hashes to %2"_s.arg(m_digest, actual)));
    }
    m_ended = true;
    return 0;
}

Error VerifyingSource::error() const
{
    return m_error;
}

qint64 PrefixedSource::read(char *data, qint64 max)
{
    if (m_position < m_prefix.size()) {
        const qint64 n = qMin(max, m_prefix.size() - m_position);
        std::memcpy(data, m_prefix.constData() + m_position, size_t(n));
        m_position += n;
        return n;
    }
    return m_rest.read(data, max);
}

} // namespace Berth
