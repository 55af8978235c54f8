#pragma once

#include "net/core/error.h"
#include "ui/tagtableview.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>

class QAction;
class QMenu;
class QMessageBox;
class QWidget;

namespace Berth {

class RetagDialog;
class TagOperations;
class TagTableModel;

//! What a person can do with the selected tags, as actions for the context menu, the menu bar
//! and the keyboard: copy (pull command, by-digest reference, digest), retag, delete tag, delete
//! image, browse files, compare, retry failed metadata, refresh. Registry operations never block: dialogs are opened
//! window-modal with open(), calls are asynchronous, outcomes are reported through
//! succeeded()/failed() (the window shows them in its banner and status line).
class TagActions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TagActions)
public:
    TagActions(TagTableView *view, QWidget *dialogParent, QObject *parent = nullptr);

    //! The registry's tag operations and the repository the table shows. registryName is the
    //! host as people write it in references ("127.0.0.1:5000", "docker.io").
    void setRepository(TagOperations *operations, const QString &registryName,
                       const QString &repository);

    //! While the registry cannot be reached (or only the cache's memory of it is shown), the
    //! actions that change it (retag, delete tag, delete image) are disabled and their tooltips
    //! say reason; the operations refuse with it. Empty: allowed again.
    void setReadOnlyReason(const QString &reason);
    QString readOnlyReason() const { return m_readOnlyReason; }

    //! host/repository:tag, as docker, podman, skopeo and Kubernetes image fields take it.
    QAction *copyReferenceAction() const { return m_copyReference; }
    QAction *copyPullAction() const { return m_copyPull; } //!< docker pull …
    QAction *copyPodmanPullAction() const { return m_copyPodmanPull; }
    QAction *copyByDigestAction() const { return m_copyByDigest; }
    QAction *copyDigestAction() const { return m_copyDigest; }
    QAction *retagAction() const { return m_retag; }
    QAction *deleteTagAction() const { return m_deleteTag; }
    QAction *deleteImageAction() const { return m_deleteImage; }
    QAction *retryAction() const { return m_retry; }
    QAction *refreshAction() const { return m_refresh; }
    //! "Export selection…": emits exportSelectionRequested() with the selected tags.
    QAction *exportSelectionAction() const { return m_exportSelection; }
    //! "Browse Files…" (one tag): emits browseFilesRequested().
    QAction *browseFilesAction() const { return m_browseFiles; }
    //! "Compare…" (one tag, with a reference typed later, or two): emits compareRequested().
    QAction *compareAction() const { return m_compare; }
    //! View ▸ "Group Tags by Image" (Ctrl+G, checkable): the view shows one row per image.
    //! On an image row, the actions that take a tag act on the image through its first tag
    //! (copy, retag, browse files, compare: the same image whichever tag names it); Delete Tag
    //! is disabled there with the reason (it would pick one tag of several), Delete Image is
    //! the way to remove it.
    QAction *groupByImageAction() const { return m_groupByImage; }

    //! The tag context menu (parented to parent; deleted on close).
    QMenu *createContextMenu(QWidget *parent);

    // The operations behind the dialogs, usable without them.
    void retag(const QString &sourceTag, const QString &targetRepository, const QString &newTag);
    void deleteTags(const QStringList &tags, const QHash<QString, QString> &seen);
    void deleteImage(const QString &digest, const QStringList &siblingTags);

    //! Text the confirmation of "Delete image" shows for the current selection (tests).
    void askDeleteImage(const QString &digest, const QStringList &siblings);
    int operationsInFlight() const { return m_inFlight; }
    //! Runs the last failed operation again.
    void retryLastFailed();
    bool canRetryLastFailed() const { return bool(m_lastFailed); }

Q_SIGNALS:
    void succeeded(const QString &message);
    void failed(const QString &message);
    //! A registry operation started (text for the status line) or all ended (empty text).
    void busyChanged(const QString &text);
    void refreshRequested();
    //! The selected tags, in view order, for a report (the window opens the export dialog).
    void exportSelectionRequested(const QStringList &tags);
    //! The window opens the files view of tag.
    void browseFilesRequested(const QString &tag);
    //! The window opens the comparison of the selected tags (one or two, in view order).
    void compareRequested(const QStringList &tags);

private:
    void updateEnabled();
    QString reference(const QString &tag) const;
    QString byDigest(const QString &digest) const;
    QString digestOfTag(const QString &tag) const;
    //! digests of tags, resolving those the table does not know yet (HEAD) first; done on this
    //! with tag -> digest, or with the error's text.
    void withDigests(const QStringList &tags,
                     std::function<void(QHash<QString, QString>, QString)> done);
    void copyToClipboard(const QString &text, const QString &what);
    //! One line per selected tag: prefix + host/repository:tag, copied with what(count).
    void copyTagLines(const QString &prefix, const std::function<QString(int)> &what);
    void copyByDigestReference();
    void copyDigest();
    //! One line per selected tag, made from its digest (resolved first when unknown), copied
    //! with the message what(count).
    void copyDigestLines(const std::function<QString(const QString &)> &line,
                         const std::function<QString(int)> &what);
    void openRetagDialog();
    void confirmDeleteTags();
    void confirmDeleteImage();
    void retryMetadata();
    void begin(const QString &text);
    void end();
    void fail(const QString &message, std::function<void()> retry);

    QPointer<TagTableView> m_view;
    QPointer<QWidget> m_dialogParent;
    QPointer<TagOperations> m_operations;
    QString m_registryName;
    QString m_repository;
    int m_inFlight = 0;
    std::function<void()> m_lastFailed;
    QString m_readOnlyReason;
    QHash<QAction *, QString> m_writeTips; //!< the tooltips of the writing actions when allowed

    QAction *m_copyReference;
    QAction *m_copyPull;
    QAction *m_copyPodmanPull;
    QAction *m_copyByDigest;
    QAction *m_copyDigest;
    QAction *m_retag;
    QAction *m_deleteTag;
    QAction *m_deleteImage;
    QAction *m_retry;
    QAction *m_refresh;
    QAction *m_exportSelection;
    QAction *m_browseFiles;
    QAction *m_compare;
    QAction *m_groupByImage;
};

} // namespace Berth
