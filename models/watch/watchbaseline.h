#pragma once

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QSet>
#include <QString>
#include <QStringList>

namespace Berth {

//! One change a check found: a tag that is new, or that now points at another digest.
struct TagChange
{
    QString tag;
    QString digest; //!< what the tag points at now; empty when not asked (a bulk push)
    bool moved = false;
    bool operator==(const TagChange &) const = default;
};

//! What a watched repository looked like at its last check: the baseline a check compares with.
//! A tag is reported once: a change goes into the baseline as it is reported, so the next check
//! sees it as known.
struct WatchBaseline
{
    //! False until the first check, which only records (a newly watched repository reports
    //! nothing: every tag would be "new").
    bool recorded = false;
    //! tag -> manifest digest; an empty digest is a name whose digest was not asked for yet (a
    //! large repository's first check, a bulk push): the round-robin revalidation learns it.
    QHash<QString, QString> tags;
    //! Tags seen moving: revalidated on every check, like "latest".
    QSet<QString> floating;
    //! Round-robin position in the name-ordered known tags (plain registry).
    int cursor = 0;
    //! Harbor 2.x: digests of the newest artifacts seen, newest first (bounded): a walk of the
    //! artifacts newest-pushed-first stops at the first of these.
    QStringList artifacts;

    //! Whether tag is read as a floating tag (revalidated every check).
    bool isFloating(const QString &tag) const;
};

//! A watched repository: its baseline plus what the person has not seen yet.
struct WatchedRepository
{
    QString connectionId;
    QString repository;
    WatchBaseline baseline;
    QList<TagChange> unseen; //!< reported and not seen yet (the tree's badge)
    QDateTime lastChecked;   //!< UTC; invalid = never
};

} // namespace Berth

Q_DECLARE_METATYPE(Berth::TagChange)
