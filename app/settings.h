#pragma once

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

//! Requests in flight at once to one registry (Preferences). Qt's HTTP/1.1 pool opens at most
//! 6 connections per host, so more would only wait inside Qt where they cannot be
//! re-prioritised.
constexpr int MinConnectionsPerRegistry = 1;
constexpr int MaxConnectionsPerRegistry = 6;
int connectionsPerRegistry();
void setConnectionsPerRegistry(int connections);

//! How often watched repositories are checked, in minutes (Preferences).
constexpr int MinWatchIntervalMinutes = 1;
constexpr int MaxWatchIntervalMinutes = 24 * 60;
constexpr int DefaultWatchIntervalMinutes = 15;
int watchIntervalMinutes();
void setWatchIntervalMinutes(int minutes);

} // namespace Berth::Settings
