#include "processmemory.h"

#include <QFile>

using namespace Qt::StringLiterals;

namespace Berth::Test {

static qint64 statusField(const QString &path, QByteArrayView field)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    // /proc files report size 0, so QFile::atEnd() is true at once: read it all instead.
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray &line : lines) {
        if (!line.startsWith(field))
            continue;
        // "VmHWM:\t   12345 kB"
        const QByteArray value = line.mid(field.size()).trimmed();
        bool ok = false;
        const qint64 kib = value.left(value.indexOf(' ')).toLongLong(&ok);
        return ok ? kib : -1;
    }
    return -1;
}

qint64 ProcessMemory::residentKiB()
{
    return statusField(u"/proc/self/status"_s, "VmRSS:");
}

qint64 ProcessMemory::peakKiB()
{
    return statusField(u"/proc/self/status"_s, "VmHWM:");
}

bool ProcessMemory::resetPeak()
{
    QFile file(u"/proc/self/clear_refs"_s);
    return file.open(QIODevice::WriteOnly) && file.write("5") == 1;
}

qint64 ProcessMemory::peakKiBOf(qint64 pid)
{
    return statusField(u"/proc/%1/status"_s.arg(pid), "VmHWM:");
}

} // namespace Berth::Test
