#include "models/cleanup/cleanupplan.h"

#include "models/report/csvreportwriter.h"
#include "models/tags/naturalcompare.h"

#include <QJsonArray>
#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

QString timeText(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODate) : QString();
}

//! The time a tag's age is measured by under rules.
QDateTime ageOf(const InventoryTag &tag, const RetentionRules &rules)
{
    return rules.by == RetentionRules::Age::Pushed ? tag.pushed : tag.created;
}

QString ageName(const RetentionRules &rules)
{
    return rules.by == RetentionRules::Age::Pushed ? u"pushed"_s : u"created"_s;
}

//! Kept by a pattern: the first --keep that matches, as typed.
QString keepingPattern(const QString &tag, const RetentionRules &rules)
{
    for (const QRegularExpression &pattern : rules.keep) {
        if (pattern.match(tag).hasMatch())
            return RetentionRules::typedPattern(pattern);
    }
    return {};
}

//! The newest keepLast considered tags (by age, ties: the later name in natural order is
//! newer). Tags without a known age do not take part (they are kept on their own account).
QSet<QString> newestTags(const QList<const InventoryTag *> &considered, const RetentionRules &rules)
{
    QList<const InventoryTag *> dated;
    for (const InventoryTag *tag : considered) {
        if (ageOf(*tag, rules).isValid())
            dated.append(tag);
    }
    std::sort(dated.begin(), dated.end(), [&rules](const InventoryTag *a, const InventoryTag *b) {
        const QDateTime ta = ageOf(*a, rules);
        const QDateTime tb = ageOf(*b, rules);
        if (ta != tb)
            return ta > tb;
        return naturalCompare(a->tag, b->tag) > 0;
    });
    QSet<QString> newest;
    for (qsizetype i = 0; i < dated.size() && i < rules.keepLast; ++i)
        newest.insert(dated.at(i)->tag);
    return newest;
}

//! Decides keep or remove for one considered tag; returns the reason, and sets *remove.
QString decide(const InventoryTag &tag, const RetentionRules &rules, const QSet<QString> &newest,
               const QDateTime &now, bool *remove)
{
    *remove = false;
    if (const QString pattern = keepingPattern(tag.tag, rules); !pattern.isEmpty())
        return u"matches the keep pattern %1"_s.arg(pattern);
    const bool byAge = rules.keepLast >= 0 || rules.olderThanSeconds >= 0;
    const QDateTime age = ageOf(tag, rules);
    if (byAge && !age.isValid())
        return u"%1 time unknown: kept"_s.arg(ageName(rules));
    if (rules.keepLast >= 0 && newest.contains(tag.tag))
        return u"among the newest %1 (by %2)"_s.arg(rules.keepLast).arg(ageName(rules));
    if (rules.olderThanSeconds >= 0 && age.secsTo(now) < rules.olderThanSeconds) {
        return u"%1 less than %2 ago"_s.arg(ageName(rules),
                                            RetentionRules::durationText(rules.olderThanSeconds));
    }
    *remove = true;
    QStringList why;
    if (rules.keepLast >= 0)
        why.append(u"not among the newest %1 (by %2)"_s.arg(rules.keepLast).arg(ageName(rules)));
    if (rules.olderThanSeconds >= 0) {
        why.append(u"%1 more than %2 ago"_s.arg(
                ageName(rules), RetentionRules::durationText(rules.olderThanSeconds)));
    }
    if (why.isEmpty())
        why.append(rules.keep.isEmpty() ? u"no rule keeps it"_s : u"matches no keep pattern"_s);
    return why.join(u"; "_s);
}

//! Layer bytes the deleted images free that no kept image uses, each layer counted once.
void countReclaimable(const Inventory &inventory, const QSet<QString> &deleted,
                      const QSet<QString> &kept, CleanupSummary *summary)
{
    QSet<QString> keptLayers;
    for (const QString &digest : kept) {
        if (const auto image = inventory.images.value(digest)) {
            for (const Descriptor &layer : image->layers)
                keptLayers.insert(layer.digest);
        }
    }
    QSet<QString> counted;
    for (const QString &digest : deleted) {
        const auto image = inventory.images.value(digest);
        if (!image)
            continue;
        if (image->layers.isEmpty() && !image->platforms.isEmpty()) {
            // An index: its platforms' sizes whole (their layers were not looked at).
            for (const PlatformImage &platform : image->platforms) {
                if (platform.size > 0 && platform.digest != digest) {
                    summary->bytesReclaimable += platform.size;
                    summary->bytesIncludeIndexes = true;
                }
            }
            continue;
        }
        for (const Descriptor &layer : image->layers) {
            if (keptLayers.contains(layer.digest) || counted.contains(layer.digest))
                continue;
            counted.insert(layer.digest);
            summary->bytesReclaimable += layer.size;
        }
    }
}

//! The untagged images' fates: deleted once older than the grace period, unless a kept index
//! lists them or they could not be read (the run could not journal them).
void planUntagged(const Inventory &inventory, const RetentionRules &rules, const QDateTime &now,
                  const QSet<QString> &partOfKept, CleanupPlan *plan)
{
    const qint64 grace = rules.olderThanSeconds >= 0 ? rules.olderThanSeconds
                                                     : RetentionRules::UntaggedGraceSeconds;
    const QString graceText = RetentionRules::durationText(grace);
    for (const InventoryImage &image : inventory.untagged) {
        PlannedImage planned{image.image.digest,
                             image.created,
                             image.image.pushed,
                             image.image.size,
                             CleanupAction::Keep,
                             {},
                             false};
        const QDateTime age = image.image.pushed.isValid() ? image.image.pushed : image.created;
        if (!image.loaded) {
            planned.pending = true;
            planned.reason = u"metadata loading"_s;
            ++plan->summary.pending;
        } else if (!image.error.isEmpty()) {
            planned.reason = u"untagged; could not be read, kept: "_s + image.error;
        } else if (partOfKept.contains(planned.digest)) {
            planned.reason = u"untagged; stays: a kept index lists it"_s;
        } else if (!age.isValid()) {
            planned.reason = u"untagged; push time unknown: kept"_s;
        } else if (age.secsTo(now) < grace) {
            planned.reason = u"untagged; pushed less than %1 ago (may be part of a push still "
                             "going on)"_s.arg(graceText);
        } else {
            planned.action = CleanupAction::Delete;
            planned.reason = u"untagged; pushed more than %1 ago"_s.arg(graceText);
        }
        if (planned.action == CleanupAction::Delete)
            ++plan->summary.untaggedDeleted;
        else if (!planned.pending)
            ++plan->summary.untaggedKept;
        plan->untagged.append(planned);
    }
    std::sort(plan->untagged.begin(), plan->untagged.end(),
              [](const PlannedImage &a, const PlannedImage &b) {
                  if (a.pushed != b.pushed)
                      return a.pushed < b.pushed;
                  return a.digest < b.digest;
              });
}

} // namespace

CleanupPlan planCleanup(const Inventory &inventory, const RetentionRules &rules,
                        const QDateTime &now)
{
    CleanupPlan plan;
    plan.repository = inventory.repository;
    plan.generated = now;
    plan.rules = rules;
    plan.listed = inventory.listed;

    QList<const InventoryTag *> considered;
    for (const InventoryTag &tag : inventory.tags) {
        if (tag.loaded && tag.error.isEmpty() && !tag.digest.isEmpty()
            && (!rules.only || rules.only->match(tag.tag).hasMatch()))
            considered.append(&tag);
    }
    const QSet<QString> newest
            = rules.keepLast >= 0 ? newestTags(considered, rules) : QSet<QString>();

    // First keep or remove per tag; whether a removal deletes the image needs every tag.
    QHash<QString, int> tagsPerDigest;
    QHash<QString, int> removedPerDigest;
    bool everyDigestKnown = true;
    for (const InventoryTag &tag : inventory.tags) {
        PlannedTag planned{tag.tag, tag.digest, tag.created, tag.pushed, CleanupAction::Keep,
                           {},      false};
        if (!tag.loaded) {
            planned.pending = true;
            planned.reason = u"metadata loading"_s;
            ++plan.summary.pending;
        } else if (!tag.error.isEmpty() || tag.digest.isEmpty()) {
            planned.reason = u"could not be read, kept: "_s + tag.error;
        } else if (rules.only && !rules.only->match(tag.tag).hasMatch()) {
            planned.reason = u"not among the tags considered"_s;
        } else {
            bool remove = false;
            planned.reason = decide(tag, rules, newest, now, &remove);
            if (remove) {
                planned.action = CleanupAction::Untag;
                ++removedPerDigest[tag.digest];
            }
        }
        if (tag.digest.isEmpty())
            everyDigestKnown = false;
        else
            ++tagsPerDigest[tag.digest];
        plan.tags.append(planned);
    }

    // An image all of whose tags go is deleted by digest (its space can be reclaimed). Only
    // when every tag's digest is known (an unknown one might point at the image too), and never
    // an image a kept index lists as a platform: deleting it would break that index.
    QSet<QString> partOfKept;
    for (const PlannedTag &planned : std::as_const(plan.tags)) {
        if (planned.action != CleanupAction::Keep || planned.digest.isEmpty())
            continue;
        if (const auto image = inventory.images.value(planned.digest)) {
            for (const PlatformImage &child : image->platforms + image->attestations)
                partOfKept.insert(child.digest);
        }
    }
    QSet<QString> deleted;
    QSet<QString> kept;
    for (PlannedTag &planned : plan.tags) {
        const bool allTagsGo
                = everyDigestKnown && inventory.listed
                  && removedPerDigest.value(planned.digest) == tagsPerDigest.value(planned.digest);
        if (planned.action == CleanupAction::Untag && allTagsGo) {
            if (partOfKept.contains(planned.digest)) {
                planned.reason += u"; its image stays: a kept index lists it"_s;
            } else {
                planned.action = CleanupAction::Delete;
                planned.reason += u"; every tag of its image goes"_s;
                deleted.insert(planned.digest);
            }
        }
        switch (planned.action) {
        case CleanupAction::Keep:
            ++plan.summary.keep;
            if (!planned.digest.isEmpty())
                kept.insert(planned.digest);
            break;
        case CleanupAction::Untag:
            ++plan.summary.untag;
            kept.insert(planned.digest); // its image stays, under its other tags
            break;
        case CleanupAction::Delete:
            ++plan.summary.remove;
            break;
        }
    }
    if (rules.untagged) {
        plan.untaggedListed = inventory.untaggedListed;
        planUntagged(inventory, rules, now, partOfKept, &plan);
        for (const PlannedImage &image : std::as_const(plan.untagged))
            (image.action == CleanupAction::Delete ? deleted : kept).insert(image.digest);
    }
    plan.summary.imagesDeleted = int(deleted.size());
    countReclaimable(inventory, deleted, kept, &plan.summary);

    std::sort(plan.tags.begin(), plan.tags.end(), [](const PlannedTag &a, const PlannedTag &b) {
        return naturalCompare(a.tag, b.tag) < 0;
    });
    return plan;
}

QString CleanupPlan::actionName(CleanupAction action)
{
    switch (action) {
    case CleanupAction::Keep:
        return u"keep"_s;
    case CleanupAction::Untag:
        return u"untag"_s;
    case CleanupAction::Delete:
        return u"delete"_s;
    }
    return u"keep"_s;
}

QStringList CleanupPlan::removedTags() const
{
    QStringList removed;
    for (const PlannedTag &tag : tags) {
        if (tag.action != CleanupAction::Keep)
            removed.append(tag.tag);
    }
    return removed;
}

QStringList CleanupPlan::deletedUntagged() const
{
    QStringList digests;
    for (const PlannedImage &image : untagged) {
        if (image.action == CleanupAction::Delete)
            digests.append(image.digest);
    }
    return digests;
}

QStringList CleanupPlan::keptTags() const
{
    QStringList keptNames;
    for (const PlannedTag &tag : tags) {
        if (tag.action == CleanupAction::Keep)
            keptNames.append(tag.tag);
    }
    return keptNames;
}

QJsonObject CleanupPlan::toJson() const
{
    QJsonArray rows;
    for (const PlannedTag &tag : tags) {
        rows.append(QJsonObject{
                {u"tag"_s, tag.tag},
                {u"digest"_s, tag.digest.isEmpty() ? QJsonValue() : QJsonValue(tag.digest)},
                {u"created"_s,
                 tag.created.isValid() ? QJsonValue(timeText(tag.created)) : QJsonValue()},
                {u"pushed"_s,
                 tag.pushed.isValid() ? QJsonValue(timeText(tag.pushed)) : QJsonValue()},
                {u"action"_s, actionName(tag.action)},
                {u"reason"_s, tag.reason},
        });
    }
    QJsonObject totals{
            {u"keep"_s, summary.keep},
            {u"untag"_s, summary.untag},
            {u"delete"_s, summary.remove},
            {u"images_deleted"_s, summary.imagesDeleted},
            {u"bytes_reclaimable"_s, summary.bytesReclaimable},
            {u"pending"_s, summary.pending},
    };
    QJsonObject object{
            {u"repository"_s, repository},
            {u"generated"_s, timeText(generated)},
            {u"rules"_s, rules.toJson()},
            {u"final"_s, isFinal()},
            {u"tags"_s, rows},
    };
    if (rules.untagged) {
        QJsonArray images;
        for (const PlannedImage &image : untagged) {
            images.append(QJsonObject{
                    {u"digest"_s, image.digest},
                    {u"created"_s,
                     image.created.isValid() ? QJsonValue(timeText(image.created)) : QJsonValue()},
                    {u"pushed"_s,
                     image.pushed.isValid() ? QJsonValue(timeText(image.pushed)) : QJsonValue()},
                    {u"size"_s, image.size >= 0 ? QJsonValue(image.size) : QJsonValue()},
                    {u"action"_s, actionName(image.action)},
                    {u"reason"_s, image.reason},
            });
        }
        object.insert(u"untagged"_s, images);
        totals.insert(u"untagged"_s, summary.untaggedDeleted);
    }
    object.insert(u"summary"_s, totals);
    return object;
}

QByteArray CleanupPlan::toCsv() const
{
    QString csv = u"tag,digest,created,pushed,action,reason\r\n"_s;
    const auto appendRow = [&csv](const QStringList &cells) {
        QStringList fields;
        for (const QString &cell : cells)
            fields.append(CsvReportWriter::field(cell));
        csv += fields.join(u',') + u"\r\n"_s;
    };
    for (const PlannedTag &tag : tags) {
        const QStringList cells{tag.tag,
                                tag.digest,
                                timeText(tag.created),
                                timeText(tag.pushed),
                                actionName(tag.action),
                                tag.reason};
        appendRow(cells);
    }
    for (const PlannedImage &image : untagged) {
        const QStringList cells{QString(),
                                image.digest,
                                timeText(image.created),
                                timeText(image.pushed),
                                actionName(image.action),
                                image.reason};
        appendRow(cells);
    }
    return csv.toUtf8();
}

} // namespace Berth
