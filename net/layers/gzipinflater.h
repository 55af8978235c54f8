#pragma once

#include "net/core/error.h"
#include "net/formats/layerentry.h"

#include <QByteArray>
#include <QList>

#include <memory>

namespace Berth {

class ByteSource;

//! Inflates a gzip layer (member after member, as `gzip -d` does) with zlib, and remembers
//! where inflating can start again later (InflateCheckpoint, zlib's zran technique): reading one
//! file of an already listed layer then fetches a Range near it instead of the whole layer.
class GzipInflater
{
public:
    //! From the blob's first byte; a checkpoint every span bytes of output at most (0: none).
    GzipInflater(ByteSource &source, qint64 span);
    //! From a checkpoint: source starts at checkpoint.compressedOffset, one byte earlier when
    //! checkpoint.bits is set.
    GzipInflater(ByteSource &source, const InflateCheckpoint &checkpoint);
    ~GzipInflater();
    GzipInflater(const GzipInflater &) = delete;
    GzipInflater &operator=(const GzipInflater &) = delete;

    //! Up to max uncompressed bytes into out; 0 at the end of the last member, -1 on an error.
    qint64 read(char *out, qint64 max);
    Error error() const { return m_error; }
    //! Uncompressed bytes produced, counted from the blob's start (or the checkpoint's offset).
    qint64 totalOut() const { return m_out; }
    QList<InflateCheckpoint> takeCheckpoints() { return std::exchange(m_checkpoints, {}); }

    static constexpr int WindowBytes = 32 * 1024; //!< deflate's back-reference distance

private:
    struct Stream;
    bool refill();
    qint64 fail(Error error);
    void remember(const char *data, qint64 size);
    void recordCheckpoint();
    //! After a member's end: starts the next member, or ends at trailing bytes that are none.
    bool startNextMember();

    ByteSource &m_source;
    std::unique_ptr<Stream> m_stream;
    QByteArray m_input;
    qint64 m_fed = 0; //!< compressed bytes handed to zlib, counted from the blob's start
    qint64 m_out = 0;
    qint64 m_span = 0;
    qint64 m_lastCheckpoint = 0;
    bool m_raw = false;    //!< started at a checkpoint: raw deflate, gzip trailers skipped by hand
    int m_skipTrailer = 0; //!< raw mode: bytes of a member's trailer still to skip
    bool m_betweenMembers = false;
    bool m_ended = false;
    bool m_sourceEnded = false;
    Error m_error;
    QByteArray m_window; //!< ring of the last WindowBytes of output
    qint64 m_windowFill = 0;
    QList<InflateCheckpoint> m_checkpoints;
};

} // namespace Berth
