#include "net/layers/gzipinflater.h"

#include "net/layers/bytesource.h"

#include <zlib.h>

#include <cstring>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {
constexpr qint64 InputChunk = 64 * 1024;
constexpr int GzipOrZlib = 15 + 32; // windowBits: a 32 KiB window, gzip or zlib header detected
constexpr int GzipOnly = 15 + 16;
constexpr int RawDeflate = -15;
constexpr int TrailerBytes = 8; // CRC-32 and ISIZE
} // namespace

struct GzipInflater::Stream
{
    z_stream z{};
    bool initialised = false;
    ~Stream()
    {
        if (initialised)
            inflateEnd(&z);
    }
};

GzipInflater::GzipInflater(ByteSource &source, qint64 span)
    : m_source(source)
    , m_stream(std::make_unique<Stream>())
    , m_input(InputChunk, Qt::Uninitialized)
    , m_span(span)
    , m_window(WindowBytes, Qt::Uninitialized)
{
    if (inflateInit2(&m_stream->z, GzipOrZlib) != Z_OK)
        fail(Error(ErrorCode::Unsupported, u"zlib could not start"_s));
    else
        m_stream->initialised = true;
}

GzipInflater::GzipInflater(ByteSource &source, const InflateCheckpoint &checkpoint)
    : m_source(source)
    , m_stream(std::make_unique<Stream>())
    , m_input(InputChunk, Qt::Uninitialized)
    , m_fed(checkpoint.compressedOffset - (checkpoint.bits ? 1 : 0))
    , m_out(checkpoint.uncompressedOffset)
    , m_raw(true)
    , m_window(WindowBytes, Qt::Uninitialized)
{
    z_stream &z = m_stream->z;
    if (inflateInit2(&z, RawDeflate) != Z_OK) {
        fail(Error(ErrorCode::Unsupported, u"zlib could not start"_s));
        return;
    }
    m_stream->initialised = true;
    if (checkpoint.bits) {
        // The checkpoint sits inside a byte: its high bits are the stream's.
        if (!refill())
            return;
        const int byte = z.next_in[0];
        ++z.next_in;
        --z.avail_in;
        inflatePrime(&z, checkpoint.bits, byte >> (8 - checkpoint.bits));
    }
    if (!checkpoint.window.isEmpty()) {
        inflateSetDictionary(&z, reinterpret_cast<const Bytef *>(checkpoint.window.constData()),
                             uInt(checkpoint.window.size()));
    }
}

GzipInflater::~GzipInflater() = default;

qint64 GzipInflater::fail(Error error)
{
    if (!m_error.isError())
        m_error = std::move(error);
    return -1;
}

bool GzipInflater::refill()
{
    const qint64 n = m_source.read(m_input.data(), m_input.size());
    if (n < 0) {
        fail(m_source.error());
        return false;
    }
    if (n == 0) {
        m_sourceEnded = true;
        return false;
    }
    m_stream->z.next_in = reinterpret_cast<Bytef *>(m_input.data());
    m_stream->z.avail_in = uInt(n);
    m_fed += n;
    return true;
}

void GzipInflater::remember(const char *data, qint64 size)
{
    if (size >= WindowBytes) {
        std::memcpy(m_window.data(), data + size - WindowBytes, WindowBytes);
        m_windowFill = WindowBytes;
        m_out += size;
        return;
    }
    // Ring position = m_out modulo the window.
    qint64 done = 0;
    while (done < size) {
        const qint64 at = (m_out + done) % WindowBytes;
        const qint64 n = qMin(size - done, WindowBytes - at);
        std::memcpy(m_window.data() + at, data + done, size_t(n));
        done += n;
    }
    m_out += size;
    m_windowFill = qMin<qint64>(WindowBytes, m_windowFill + size);
}

void GzipInflater::recordCheckpoint()
{
    const z_stream &z = m_stream->z;
    InflateCheckpoint checkpoint;
    checkpoint.compressedOffset = m_fed - z.avail_in;
    checkpoint.uncompressedOffset = m_out;
    checkpoint.bits = quint8(z.data_type & 7);
    // The window in output order: the ring from the oldest byte.
    const qint64 start = (m_out - m_windowFill) % WindowBytes;
    checkpoint.window.reserve(m_windowFill);
    const qint64 first = qMin(m_windowFill, WindowBytes - start);
    checkpoint.window.append(m_window.constData() + start, first);
    checkpoint.window.append(m_window.constData(), m_windowFill - first);
    m_checkpoints.append(std::move(checkpoint));
    m_lastCheckpoint = m_out;
}

bool GzipInflater::startNextMember()
{
    z_stream &z = m_stream->z;
    while (m_skipTrailer > 0) {
        if (z.avail_in == 0 && !refill())
            return false;
        const uInt n = qMin<uInt>(z.avail_in, uInt(m_skipTrailer));
        z.next_in += n;
        z.avail_in -= n;
        m_skipTrailer -= int(n);
    }
    if (z.avail_in == 0 && !refill())
        return false;
    if (z.next_in[0] != 0x1f) {
        // Trailing bytes that start no gzip member (zero padding): ignored, as gzip -d does.
        // They still pass through the source (and its digest check).
        while (refill())
            z.avail_in = 0;
        return false;
    }
    if (m_raw ? inflateReset2(&z, GzipOnly) != Z_OK : inflateReset(&z) != Z_OK)
        return false;
    m_betweenMembers = false;
    return true;
}

qint64 GzipInflater::read(char *out, qint64 max)
{
    if (m_error.isError())
        return -1;
    z_stream &z = m_stream->z;
    qint64 produced = 0;
    while (produced == 0 && !m_ended) {
        if (m_betweenMembers) {
            if (!startNextMember()) {
                if (m_error.isError())
                    return -1;
                m_ended = true;
                break;
            }
        }
        if (z.avail_in == 0 && !refill()) {
            if (m_error.isError())
                return -1;
            return fail(Error(ErrorCode::BadResponse,
                              u"the gzip stream is truncated (it ends inside a member)"_s));
        }
        z.next_out = reinterpret_cast<Bytef *>(out + produced);
        z.avail_out = uInt(qMin<qint64>(max - produced, 1 << 30));
        const uInt before = z.avail_out;
        // Z_BLOCK: stop at each deflate block's end, where a checkpoint can be taken.
        const int status = inflate(&z, Z_BLOCK);
        const qint64 got = before - z.avail_out;
        remember(out + produced, got);
        produced += got;
        if (status == Z_STREAM_END) {
            m_betweenMembers = true;
            m_skipTrailer = m_raw ? TrailerBytes : 0;
            continue;
        }
        if (status == Z_NEED_DICT || status == Z_DATA_ERROR || status == Z_STREAM_ERROR
            || status == Z_MEM_ERROR) {
            return fail(Error(ErrorCode::BadResponse,
                              u"corrupt gzip data: %1"_s.arg(
                                      QString::fromLatin1(z.msg ? z.msg : "inflate failed"))));
        }
        if (m_span > 0 && (z.data_type & 128) && !(z.data_type & 64)
            && m_out - m_lastCheckpoint >= m_span)
            recordCheckpoint();
    }
    return produced;
}

} // namespace Berth
