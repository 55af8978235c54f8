#pragma once

#include "models/watch/watchbaseline.h"

#include <QHash>
#include <QList>
#include <QString>

namespace Berth {

//! The watched repositories and their baselines, kept in one small JSON file (by default
//! watch.json under the application's data location), written atomically on every change.
//! Its own file rather than the metadata cache: browsing updates the cache's tag -> digest
//! entries, and a watcher comparing against those would silently swallow a tag a person browsed
//! before the check ran. A file that cannot be read starts empty (with a warning): losing the
//! watch list must never stop the window from starting.
class WatchStore final
{
public:
    //! path: empty = defaultPath().
    explicit WatchStore(const QString &path = {});

    static QString defaultPath();
    QString path() const { return m_path; }

    //! "connectionId\nrepository": one key per watched repository.
    static QString keyOf(const QString &connectionId, const QString &repository);

    QList<QString> keys() const;
    bool contains(const QString &key) const { return m_entries.contains(key); }
    const WatchedRepository *find(const QString &key) const;
    WatchedRepository *find(const QString &key);
    //! Adds (with an empty baseline) or returns the existing entry.
    WatchedRepository &add(const QString &connectionId, const QString &repository);
    void remove(const QString &key);

    bool load(QString *error = nullptr);
    bool save(QString *error = nullptr) const;

private:
    QString m_path;
    QHash<QString, WatchedRepository> m_entries;
};

} // namespace Berth
