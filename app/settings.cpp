#include "app/settings.h"

#include <QCoreApplication>
#include <QSettings>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Berth::Settings {

void setApplicationIdentity()
{
    QCoreApplication::setOrganizationName(u"berth"_s);
    QCoreApplication::setApplicationName(u"berth"_s);
}

Location lastLocation()
{
    QSettings settings;
    settings.beginGroup(u"location"_s);
    Location location;
    location.connectionId = settings.value(u"connection"_s).toString();
    location.host = settings.value(u"host"_s).toString();
    location.repository = settings.value(u"repository"_s).toString();
    return location;
}

void setLastLocation(const Location &location)
{
    QSettings settings;
    settings.beginGroup(u"location"_s);
    settings.setValue(u"connection"_s, location.connectionId);
    settings.setValue(u"host"_s, location.host);
    settings.setValue(u"repository"_s, location.repository);
}

std::optional<qint64> metadataCacheMaxBytes()
{
    const QVariant value = QSettings().value(u"cache/metadataMaxBytes"_s);
    bool ok = false;
    const qint64 bytes = value.toLongLong(&ok);
    // A hand-edited or damaged value is ignored rather than turned into a zero cap (which
    // would evict everything at the next commit).
    if (!value.isValid() || !ok || bytes <= 0)
        return std::nullopt;
    return bytes;
}

void setMetadataCacheMaxBytes(qint64 bytes)
{
    QSettings().setValue(u"cache/metadataMaxBytes"_s, bytes);
}

namespace {

// A hand-edited value outside the range is clamped, a non-number gives the default.
int boundedInt(const QString &key, int fallback, int lowest, int highest)
{
    bool ok = false;
    const int value = QSettings().value(key).toInt(&ok);
    return ok ? std::clamp(value, lowest, highest) : fallback;
}

} // namespace

int connectionsPerRegistry()
{
    return boundedInt(u"network/connectionsPerRegistry"_s, Preferences().connectionsPerRegistry,
                      Preferences::MinConnectionsPerRegistry,
                      Preferences::MaxConnectionsPerRegistry);
}

void setConnectionsPerRegistry(int connections)
{
    QSettings().setValue(u"network/connectionsPerRegistry"_s,
                         std::clamp(connections, Preferences::MinConnectionsPerRegistry,
                                    Preferences::MaxConnectionsPerRegistry));
}

int watchIntervalMinutes()
{
    return boundedInt(u"watch/intervalMinutes"_s, Preferences().watchIntervalMinutes,
                      Preferences::MinWatchIntervalMinutes, Preferences::MaxWatchIntervalMinutes);
}

void setWatchIntervalMinutes(int minutes)
{
    QSettings().setValue(u"watch/intervalMinutes"_s,
                         std::clamp(minutes, Preferences::MinWatchIntervalMinutes,
                                    Preferences::MaxWatchIntervalMinutes));
}

} // namespace Berth::Settings
