#pragma once

#include "ui/preferences.h"

#include <QString>

#include <optional>

namespace Berth::Settings {

//! Where the window was last: a saved connection and a repository in it. host is kept too, so
//! the location can be found again when the connection was removed and re-added.
struct Location
{
    QString connectionId;
    QString host;
    QString repository;
    bool isValid() const
    {
        return !repository.isEmpty() && !(connectionId.isEmpty() && host.isEmpty());
    }
};

//! Organisation and application name (QSettings paths, cache location).
void setApplicationIdentity();

Location lastLocation();
void setLastLocation(const Location &location);

//! The metadata cache's size cap in bytes as chosen in the window (Cache dialog); nullopt when
//! never chosen, so MetadataCache's default applies. The window and `berth` both apply it.
std::optional<qint64> metadataCacheMaxBytes();
void setMetadataCacheMaxBytes(qint64 bytes);

//! Requests in flight at once to one registry, and how often watched repositories are checked
//! (minutes): the Preferences dialog's values, kept within its bounds (ui/preferences.h).
int connectionsPerRegistry();
void setConnectionsPerRegistry(int connections);
int watchIntervalMinutes();
void setWatchIntervalMinutes(int minutes);

} // namespace Berth::Settings
