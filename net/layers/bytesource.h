#pragma once

#include "net/core/error.h"
#include "net/core/sha256stream.h"

#include <QByteArray>
#include <QString>

namespace Berth {

class ByteQueue;

//! Bytes pulled by a reader on a worker thread: a layer streaming in, a file in a test.
class ByteSource
{
public:
    virtual ~ByteSource() = default;
    //! Up to max bytes into data, blocking until some come. Returns the count, 0 at the end,
    //! -1 on an error (error()).
    virtual qint64 read(char *data, qint64 max) = 0;
    virtual Error error() const = 0;
};

//! A ByteQueue's reading side.
class QueueSource final : public ByteSource
{
public:
    explicit QueueSource(ByteQueue &queue)
        : m_queue(queue)
    {}
    qint64 read(char *data, qint64 max) override;
    Error error() const override;

private:
    ByteQueue &m_queue;
};

//! Bytes held in memory (tests, the fuzzer, a cached blob).
class MemorySource final : public ByteSource
{
public:
    explicit MemorySource(QByteArray bytes)
        : m_bytes(std::move(bytes))
    {}
    qint64 read(char *data, qint64 max) override;
    Error error() const override { return {}; }

private:
    QByteArray m_bytes;
    qint64 m_position = 0;
};

//! Passes another source's bytes through while hashing and counting them: a source larger than
//! the descriptor's size fails as soon as it is, and the end is only reported once the bytes
//! match the digest (DigestMismatch otherwise). The end of a short source fails too.
class VerifyingSource final : public ByteSource
{
public:
    //! digest empty: not checked; size < 0: not checked.
    VerifyingSource(ByteSource &inner, QString digest, qint64 size);
    qint64 read(char *data, qint64 max) override;
    Error error() const override;
    qint64 bytesRead() const { return m_read; }

private:
    qint64 fail(Error error);

    ByteSource &m_inner;
    QString m_digest;
    qint64 m_size;
    qint64 m_read = 0;
    Sha256Stream m_hash;
    Error m_error;
    bool m_ended = false;
};

//! A few bytes already read (to sniff the compression) put back before the rest of a source.
class PrefixedSource final : public ByteSource
{
public:
    PrefixedSource(QByteArray prefix, ByteSource &rest)
        : m_prefix(std::move(prefix))
        , m_rest(rest)
    {}
    qint64 read(char *data, qint64 max) override;
    Error error() const override { return m_rest.error(); }

private:
    QByteArray m_prefix;
    qint64 m_position = 0;
    ByteSource &m_rest;
};

} // namespace Berth
