#pragma once

#include <QString>

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

} // namespace Berth::Settings
