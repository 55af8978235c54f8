#pragma once

#include <QJsonObject>
#include <QList>
#include <QRegularExpression>
#include <QString>

#include <optional>

namespace Berth {

//! What a clean-up keeps, per repository. The rules retain, and a tag is removed only when none
//! retains it (Harbor's retention reads the same way: a union of what each rule keeps):
//! - only: tags not matching it are not considered at all (kept);
//! - keep: a considered tag matching any of these is kept;
//! - keepLast: the newest N considered tags are kept (by created, or by pushed on Harbor; the
//!   later name in natural order counts as newer on a tie);
//! - olderThanSeconds: a considered tag younger than this is kept.
//! With no keepLast and no olderThan, every considered tag that keep does not match goes.
//! - untagged (Harbor 2.x): images no tag points at and no index lists are deleted too, except
//!   those pushed less than olderThan ago (without olderThan: UntaggedGraceSeconds): a push in
//!   progress stores an index's platforms, untagged, before the index that lists them.
struct RetentionRules
{
    enum class Age { Created, Pushed };

    int keepLast = -1; //!< -1: no such rule
    Age by = Age::Created;
    QList<QRegularExpression> keep;
    std::optional<QRegularExpression> only;
    qint64 olderThanSeconds = -1; //!< -1: no such rule
    bool untagged = false;
    static constexpr qint64 UntaggedGraceSeconds = 3600;

    //! "90d", "12h", "30m", "45s", "2w": a positive number and one unit. nullopt otherwise.
    static std::optional<qint64> parseDuration(const QString &text);
    //! "90d" for 90 days: the largest unit that divides the duration.
    static QString durationText(qint64 seconds);
    //! A pattern as the user typed it, anchored on the whole tag (as Harbor's and most tools'
    //! tag filters are): "v1.*" does not keep "dev-v1.2". nullopt with the error when invalid.
    static std::optional<QRegularExpression> tagPattern(const QString &pattern, QString *error);
    //! What tagPattern() was given: the pattern without the anchoring it added.
    static QString typedPattern(const QRegularExpression &expression);

    //! {"keep_last", "by", "keep", "only", "older_than", "untagged"}: what `berth cleanup --format json`
    //! reports under "rules" and the journal records.
    QJsonObject toJson() const;
};

} // namespace Berth
