#include "models/metadata/metadatacodec.h"

#include <QDataStream>
#include <QIODevice>
#include <QTimeZone>

namespace Berth::MetadataCodec {

namespace {

// Flags byte, bit 0: the body is qCompress()ed.
constexpr quint8 FlagCompressed = 0x01;
// Below this the zlib header and length prefix cost more than they save.
constexpr qsizetype MinBytesToCompress = 128;
// qUncompress() allocates the size the payload claims up front. Derived metadata is bounded by
// the manifest (4 MiB) and config (8 MiB) caps, so anything claiming more is corrupt.
constexpr quint32 MaxUncompressedBytes = 64 * 1024 * 1024;
// Fixed so a Qt upgrade never changes what is on disk (only primitives and QByteArray are
// streamed, but the stream version also fixes their encoding).
constexpr int StreamVersion = QDataStream::Qt_6_4;

enum class TimeTag : quint8 { Invalid = 0, Utc = 1, Offset = 2, Local = 3, Zone = 4 };

class Writer
{
public:
    explicit Writer(QByteArray *buffer)
        : m_out(buffer, QIODevice::WriteOnly)
    {
        m_out.setVersion(StreamVersion);
    }

    void string(const QString &text) { m_out << text.toUtf8(); }
    void integer(qint64 value) { m_out << value; }
    void byte(quint8 value) { m_out << value; }
    void count(qsizetype n) { m_out << quint32(n); }

    void strings(const QStringList &list)
    {
        count(list.size());
        for (const QString &s : list)
            string(s);
    }

    void map(const QMap<QString, QString> &map)
    {
        count(map.size());
        for (auto it = map.cbegin(); it != map.cend(); ++it) {
            string(it.key());
            string(it.value());
        }
    }

    void dateTime(const QDateTime &time)
    {
        if (!time.isValid()) {
            byte(quint8(TimeTag::Invalid));
            return;
        }
        switch (time.timeSpec()) {
        case Qt::UTC:
            byte(quint8(TimeTag::Utc));
            integer(time.toMSecsSinceEpoch());
            break;
        case Qt::OffsetFromUTC:
            byte(quint8(TimeTag::Offset));
            integer(time.toMSecsSinceEpoch());
            integer(time.offsetFromUtc());
            break;
        case Qt::LocalTime:
            byte(quint8(TimeTag::Local));
            integer(time.toMSecsSinceEpoch());
            break;
        case Qt::TimeZone:
            byte(quint8(TimeTag::Zone));
            integer(time.toMSecsSinceEpoch());
            m_out << time.timeZone().id();
            break;
        }
    }

    void platform(const Platform &p)
    {
        string(p.os);
        string(p.architecture);
        string(p.variant);
        string(p.osVersion);
    }

    void descriptor(const Descriptor &d)
    {
        string(d.mediaType);
        string(d.digest);
        integer(d.size);
        string(d.artifactType);
        byte(d.platform ? 1 : 0);
        if (d.platform)
            platform(*d.platform);
        map(d.annotations);
    }

    void platformImage(const PlatformImage &p)
    {
        platform(p.platform);
        string(p.digest);
        string(p.mediaType);
        integer(p.size);
        dateTime(p.created);
        string(p.error);
    }

    void config(const ImageConfig &c)
    {
        dateTime(c.created);
        string(c.createdText);
        string(c.os);
        string(c.architecture);
        string(c.variant);
        string(c.author);
        string(c.user);
        string(c.workingDir);
        strings(c.entrypoint);
        strings(c.cmd);
        strings(c.env);
        strings(c.exposedPorts);
        strings(c.volumes);
        map(c.labels);
        count(c.history.size());
        for (const HistoryEntry &h : c.history) {
            dateTime(h.created);
            string(h.createdText);
            string(h.createdBy);
            string(h.comment);
            byte(h.emptyLayer ? 1 : 0);
        }
    }

    template<typename T, typename F>
    void list(const QList<T> &items, F writeOne)
    {
        count(items.size());
        for (const T &item : items)
            (this->*writeOne)(item);
    }

private:
    QDataStream m_out;
};

class Reader
{
public:
    explicit Reader(const QByteArray &buffer)
        : m_in(buffer)
    {
        m_in.setVersion(StreamVersion);
    }

    bool ok() const { return m_in.status() == QDataStream::Ok; }
    bool atEnd() const { return m_in.atEnd(); }
    void fail() { m_in.setStatus(QDataStream::ReadCorruptData); }

    QString string()
    {
        QByteArray utf8;
        m_in >> utf8;
        return QString::fromUtf8(utf8);
    }

    qint64 integer()
    {
        qint64 value = 0;
        m_in >> value;
        return value;
    }

    quint8 byte()
    {
        quint8 value = 0;
        m_in >> value;
        return value;
    }

    bool flag()
    {
        const quint8 value = byte();
        if (value > 1)
            fail();
        return value == 1;
    }

    // Every element takes at least one byte, so a count above the bytes left is corrupt; this
    // keeps a damaged count from reserving gigabytes.
    qsizetype count()
    {
        quint32 n = 0;
        m_in >> n;
        if (!ok() || qint64(n) > m_in.device()->bytesAvailable()) {
            fail();
            return 0;
        }
        return qsizetype(n);
    }

    QStringList strings()
    {
        QStringList list;
        const qsizetype n = count();
        list.reserve(n);
        for (qsizetype i = 0; i < n && ok(); ++i)
            list.append(string());
        return list;
    }

    QMap<QString, QString> map()
    {
        QMap<QString, QString> result;
        const qsizetype n = count();
        for (qsizetype i = 0; i < n && ok(); ++i) {
            QString key = string();
            result.insert(key, string());
        }
        return result;
    }

    QDateTime dateTime()
    {
        const auto tag = TimeTag(byte());
        switch (tag) {
        case TimeTag::Invalid:
            return {};
        case TimeTag::Utc:
            return QDateTime::fromMSecsSinceEpoch(integer(), Qt::UTC);
        case TimeTag::Offset: {
            const qint64 ms = integer();
            const qint64 offset = integer();
            // Real offsets are within ±18 h (ISO 8601); anything else is damage.
            if (offset < -18 * 3600 || offset > 18 * 3600) {
                fail();
                return {};
            }
            return QDateTime::fromMSecsSinceEpoch(ms, Qt::OffsetFromUTC, int(offset));
        }
        case TimeTag::Local:
            return QDateTime::fromMSecsSinceEpoch(integer(), Qt::LocalTime);
        case TimeTag::Zone: {
            const qint64 ms = integer();
            QByteArray id;
            m_in >> id;
            const QTimeZone zone(id);
            // A zone this machine does not know still keeps the exact instant.
            return zone.isValid() ? QDateTime::fromMSecsSinceEpoch(ms, zone)
                                  : QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
        }
        }
        fail();
        return {};
    }

    Platform platform()
    {
        Platform p;
        p.os = string();
        p.architecture = string();
        p.variant = string();
        p.osVersion = string();
        return p;
    }

    Descriptor descriptor()
    {
        Descriptor d;
        d.mediaType = string();
        d.digest = string();
        d.size = integer();
        d.artifactType = string();
        if (flag())
            d.platform = platform();
        d.annotations = map();
        return d;
    }

    PlatformImage platformImage()
    {
        PlatformImage p;
        p.platform = platform();
        p.digest = string();
        p.mediaType = string();
        p.size = integer();
        p.created = dateTime();
        p.error = string();
        return p;
    }

    ImageConfig config()
    {
        ImageConfig c;
        c.created = dateTime();
        c.createdText = string();
        c.os = string();
        c.architecture = string();
        c.variant = string();
        c.author = string();
        c.user = string();
        c.workingDir = string();
        c.entrypoint = strings();
        c.cmd = strings();
        c.env = strings();
        c.exposedPorts = strings();
        c.volumes = strings();
        c.labels = map();
        const qsizetype n = count();
        c.history.reserve(n);
        for (qsizetype i = 0; i < n && ok(); ++i) {
            HistoryEntry h;
            h.created = dateTime();
            h.createdText = string();
            h.createdBy = string();
            h.comment = string();
            h.emptyLayer = flag();
            c.history.append(h);
        }
        return c;
    }

    template<typename T>
    QList<T> list(T (Reader::*readOne)())
    {
        QList<T> items;
        const qsizetype n = count();
        items.reserve(n);
        for (qsizetype i = 0; i < n && ok(); ++i)
            items.append((this->*readOne)());
        return items;
    }

private:
    QDataStream m_in;
};

QByteArray encodeBody(const ImageMetadata &m)
{
    QByteArray body;
    Writer w(&body);
    w.string(m.digest);
    w.string(m.mediaType);
    w.byte(quint8(m.kind));
    w.string(m.artifactType);
    w.integer(m.size);
    w.dateTime(m.created);
    w.list(m.platforms, &Writer::platformImage);
    w.list(m.attestations, &Writer::platformImage);
    w.list(m.layers, &Writer::descriptor);
    w.string(m.configDigest);
    w.string(m.configMediaType);
    w.config(m.config);
    w.map(m.annotations);
    w.strings(m.warnings);
    w.byte(m.failedDigestCheck ? 1 : 0);
    return body;
}

std::optional<ImageMetadata> decodeBody(const QByteArray &body)
{
    Reader r(body);
    ImageMetadata m;
    m.digest = r.string();
    m.mediaType = r.string();
    const quint8 kind = r.byte();
    if (kind > quint8(ArtifactKind::Artifact))
        r.fail();
    m.kind = ArtifactKind(kind);
    m.artifactType = r.string();
    m.size = r.integer();
    m.created = r.dateTime();
    m.platforms = r.list(&Reader::platformImage);
    m.attestations = r.list(&Reader::platformImage);
    m.layers = r.list(&Reader::descriptor);
    m.configDigest = r.string();
    m.configMediaType = r.string();
    m.config = r.config();
    m.annotations = r.map();
    m.warnings = r.strings();
    const quint8 failedDigestCheck = r.byte();
    if (failedDigestCheck > 1)
        r.fail();
    m.failedDigestCheck = failedDigestCheck == 1;
    // Trailing bytes mean the layout is not the one we wrote: treat as corrupt, not as data.
    if (!r.ok() || !r.atEnd() || m.digest.isEmpty())
        return std::nullopt;
    return m;
}

} // namespace

QByteArray encode(const ImageMetadata &metadata)
{
    const QByteArray body = encodeBody(metadata);
    QByteArray out;
    out.reserve(body.size() + 2);
    out.append(char(FormatVersion));
    if (body.size() >= MinBytesToCompress) {
        const QByteArray packed = qCompress(body);
        if (packed.size() < body.size()) {
            out.append(char(FlagCompressed));
            out.append(packed);
            return out;
        }
    }
    out.append(char(0));
    out.append(body);
    return out;
}

std::optional<ImageMetadata> decode(QByteArrayView bytes)
{
    if (bytes.size() < 2 || quint8(bytes.at(0)) != FormatVersion)
        return std::nullopt;
    const auto flags = quint8(bytes.at(1));
    if (flags & ~FlagCompressed)
        return std::nullopt;
    const QByteArrayView rest = bytes.sliced(2);
    if (!(flags & FlagCompressed))
        return decodeBody(rest.toByteArray());
    // qCompress() prefixes the uncompressed size, big-endian.
    if (rest.size() < 4)
        return std::nullopt;
    const quint32 claimed = (quint32(quint8(rest.at(0))) << 24)
                            | (quint32(quint8(rest.at(1))) << 16)
                            | (quint32(quint8(rest.at(2))) << 8) | quint32(quint8(rest.at(3)));
    if (claimed == 0 || claimed > MaxUncompressedBytes)
        return std::nullopt;
    const QByteArray body = qUncompress(reinterpret_cast<const uchar *>(rest.data()), rest.size());
    if (body.size() != qsizetype(claimed))
        return std::nullopt;
    return decodeBody(body);
}

} // namespace Berth::MetadataCodec
