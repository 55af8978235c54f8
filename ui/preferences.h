#pragma once

namespace Berth {

//! The few settings people change, as the Preferences dialog edits them. The window holds the
//! current values; the app (Desktop) loads them from and saves them to the settings file and
//! applies them to the parts they steer. The disk cache's size cap is not here: it belongs to
//! the cache (MetadataCache::maxBytes()), which the dialog reads and sets directly.
struct Preferences
{
    int connectionsPerRegistry = 6; //!< requests in flight at once to one registry
    int watchIntervalMinutes = 15;  //!< how often watched repositories are checked

    friend bool operator==(const Preferences &, const Preferences &) = default;
};

} // namespace Berth
