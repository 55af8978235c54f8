#pragma once

#include "models/cleanup/retentionrules.h"
#include "net/core/untaggedimage.h"
#include "net/formats/imagemetadata.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <memory>

namespace Berth {

//! What is known of one tag of the repository when a plan is made.
struct InventoryTag
{
    QString tag;
    QString digest;      //!< empty until resolved, or when it could not be
    QDateTime created;   //!< the image's (an index: its newest platform's); invalid when unknown
    QDateTime pushed;    //!< Harbor only; invalid when unknown
    QString error;       //!< why the tag could not be read; empty when fine
    bool loaded = false; //!< its metadata (and extras where needed) arrived or failed
};

//! What is known of one untagged image (Harbor 2.x) when a plan is made.
struct InventoryImage
{
    UntaggedImage image;
    QDateTime created;   //!< invalid when unknown
    QString error;       //!< why its manifest could not be read; empty when fine
    bool loaded = false; //!< its metadata arrived or failed
};

//! Every tag of a repository and the images they point at: what a plan is made from.
struct Inventory
{
    QString repository;
    QList<InventoryTag> tags;
    QHash<QString, std::shared_ptr<const ImageMetadata>> images; //!< by digest
    bool listed = false; //!< the whole tag list arrived (else more tags may follow)
    //! Images no tag points at, when they were asked for (RetentionRules::untagged).
    QList<InventoryImage> untagged;
    bool untaggedListed = false;
};

enum class CleanupAction { Keep, Untag, Delete };

//! One tag's fate. Delete: every tag of its image goes, so the image is deleted by digest;
//! Untag: only the tag goes, other tags keep the image.
struct PlannedTag
{
    QString tag;
    QString digest;
    QDateTime created;
    QDateTime pushed;
    CleanupAction action = CleanupAction::Keep;
    QString reason;       //!< which rule decided, as a person reads it
    bool pending = false; //!< its metadata is still loading: kept until it is known
};

//! An untagged image's fate (only with RetentionRules::untagged): Delete, or Keep and why.
struct PlannedImage
{
    QString digest;
    QDateTime created;
    QDateTime pushed;
    qint64 size = -1; //!< as the server reports it
    CleanupAction action = CleanupAction::Keep;
    QString reason;
    bool pending = false;
};

struct CleanupSummary
{
    int keep = 0;
    int untag = 0;
    int remove = 0;        //!< tags whose image is deleted ("delete")
    int imagesDeleted = 0; //!< tagged and untagged ones
    int untaggedDeleted = 0;
    int untaggedKept = 0;
    //! Layer bytes of the deleted images that no kept image of this repository uses, each
    //! layer once: what garbage collection can reclaim at most (other repositories may share
    //! layers, and only the registry's garbage collection frees them).
    qint64 bytesReclaimable = 0;
    //! Some deleted image is an index whose platforms' layers were not looked at: their sizes
    //! were added whole, so bytesReclaimable is a rougher upper bound.
    bool bytesIncludeIndexes = false;
    int pending = 0; //!< tags (and untagged images) still loading
};

//! A retention plan for one repository: every tag with its action and reason, and the totals.
struct CleanupPlan
{
    QString repository;
    QDateTime generated;
    RetentionRules rules;
    QList<PlannedTag> tags; //!< every tag of the repository, in natural order
    //! Every untagged image, oldest push first, when rules.untagged (else empty).
    QList<PlannedImage> untagged;
    CleanupSummary summary;
    bool listed = false;
    bool untaggedListed = false;

    //! The plan can be run: every tag is known (listed, loaded, resolved), and so is every
    //! untagged image when the rules delete them.
    bool isFinal() const
    {
        return listed && summary.pending == 0 && (!rules.untagged || untaggedListed);
    }
    //! Untagged images the plan deletes, by digest.
    QStringList deletedUntagged() const;
    //! The tags the plan removes (untag and delete), and those it keeps.
    QStringList removedTags() const;
    QStringList keptTags() const;

    //! `berth cleanup --format json`: {"repository", "generated", "rules", "tags": [{"tag",
    //! "digest", "created", "pushed", "action", "reason"}], "summary": {"keep", "untag",
    //! "delete", "images_deleted", "bytes_reclaimable"}} (plus "final" and "pending"); with the
    //! untagged rule also "untagged": [{"digest", "created", "pushed", "size", "action",
    //! "reason"}] and the summary's "untagged" (images it deletes).
    QJsonObject toJson() const;
    //! The same rows as CSV (RFC 4180), a header first; untagged images with an empty tag.
    QByteArray toCsv() const;

    static QString actionName(CleanupAction action); //!< "keep", "untag", "delete"
};

//! Applies rules to what inventory knows, at time now. Pure: the same inputs give the same
//! plan, so the window's live preview, `berth cleanup` and the run agree.
CleanupPlan planCleanup(const Inventory &inventory, const RetentionRules &rules,
                        const QDateTime &now);

} // namespace Berth
