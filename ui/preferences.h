#pragma once

namespace Berth {

//! The few settings people change, as the Preferences dialog edits them. The window holds the
//! current values; the app (Desktop) loads them from and saves them to the settings file and
//! applies them to the parts they steer. The disk cache's size cap is not here: it belongs to
//! the cache (MetadataCache::maxBytes()), which the dialog reads and sets directly.
struct Preferences
{
    // Qt's HTTP/1.1 pool opens at most 6 connections per host, so more requests at once would
    // only wait inside Qt, where they cannot be re-prioritised.
    static constexpr int MinConnectionsPerRegistry = 1;
    static constexpr int MaxConnectionsPerRegistry = 6;
    static constexpr int MinWatchIntervalMinutes = 1;
    static constexpr int MaxWatchIntervalMinutes = 24 * 60;

    int connectionsPerRegistry = MaxConnectionsPerRegistry; //!< requests in flight per registry
    int watchIntervalMinutes = 15; //!< how often watched repositories are checked

    friend bool operator==(const Preferences &, const Preferences &) = default;
};

} // namespace Berth
