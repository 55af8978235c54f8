#include "app/settings.h"

#include <QCoreApplication>
#include <QSettings>

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

} // namespace Berth::Settings
