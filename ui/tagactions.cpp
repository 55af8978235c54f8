#include "ui/tagactions.h"

#include "models/tags/metadataupdater.h"
#include "models/tags/tagoperations.h"
#include "models/tags/tagtablemodel.h"
#include "net/core/digest.h"
#include "net/core/imagereference.h"
#include "ui/icons.h"
#include "ui/retagdialog.h"
#include "ui/tagtableview.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QItemSelectionModel>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>

#include <memory>

using namespace Qt::StringLiterals;

namespace Berth {

TagActions::TagActions(TagTableView *view, QWidget *dialogParent, QObject *parent)
    : QObject(parent)
    , m_view(view)
    , m_dialogParent(dialogParent)
    , m_copyReference(new QAction(Icons::themed(u"edit-copy"_s), tr("Copy &Reference"), this))
    , m_copyPull(new QAction(tr("Copy Docker &Pull Command"), this))
    , m_copyPodmanPull(new QAction(tr("Copy Podman P&ull Command"), this))
    , m_copyByDigest(new QAction(tr("Copy &By-Digest Reference"), this))
    , m_copyDigest(new QAction(tr("Copy &Digest"), this))
    , m_retag(new QAction(Icons::themed(u"tag-new"_s), tr("&Retag…"), this))
    , m_deleteTag(new QAction(Icons::themed(u"edit-delete"_s), tr("&Delete Tag…"), this))
    , m_deleteImage(new QAction(tr("Delete &Image…"), this))
    , m_retry(new QAction(Icons::themed(u"view-refresh"_s), tr("Retry &Metadata"), this))
    , m_refresh(new QAction(Icons::themed(u"view-refresh"_s), tr("Re&fresh"), this))
    , m_exportSelection(
              new QAction(Icons::themed(u"document-export"_s), tr("E&xport Selection…"), this))
    , m_browseFiles(new QAction(Icons::themed(u"folder-open"_s), tr("Browse &Files…"), this))
    , m_compare(new QAction(Icons::themed(u"view-split-left-right"_s), tr("C&ompare…"), this))
    , m_groupByImage(new QAction(Icons::themed(u"view-group"_s), tr("&Group Tags by Image"), this))
{
    m_copyReference->setObjectName(u"copyReferenceAction"_s);
    m_copyPull->setObjectName(u"copyPullAction"_s);
    m_copyPodmanPull->setObjectName(u"copyPodmanPullAction"_s);
    m_copyByDigest->setObjectName(u"copyByDigestAction"_s);
    m_copyDigest->setObjectName(u"copyDigestAction"_s);
    m_retag->setObjectName(u"retagAction"_s);
    m_deleteTag->setObjectName(u"deleteTagAction"_s);
    m_deleteImage->setObjectName(u"deleteImageAction"_s);
    m_retry->setObjectName(u"retryMetadataAction"_s);
    m_refresh->setObjectName(u"refreshAction"_s);
    m_exportSelection->setObjectName(u"exportSelectionAction"_s);
    m_exportSelection->setToolTip(tr("Write a report (CSV, JSON, Markdown or HTML) of the "
                                     "selected tags"));
    m_browseFiles->setObjectName(u"browseFilesAction"_s);
    m_browseFiles->setToolTip(tr("The files of the selected tag's image, layer by layer"));
    m_compare->setObjectName(u"compareAction"_s);
    m_compare->setToolTip(tr("Compare the two selected tags (or the selected one with another "
                             "reference): config, layers, size and files"));
    m_groupByImage->setObjectName(u"groupByImageAction"_s);
    m_groupByImage->setCheckable(true);
    // G for group; free in the window (Ctrl+F find, Ctrl+D details, Ctrl+E export, Ctrl+T
    // retag, Ctrl+L open location).
    m_groupByImage->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_G));
    m_groupByImage->setToolTip(tr("One row per image (digest) with its tags; tags whose digest "
                                  "is not known yet join their image as they are shown"));
    m_groupByImage->setIconText(tr("Group by Image"));

    m_copyPull->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    m_copyDigest->setShortcut(QKeySequence::Copy);
    m_deleteTag->setShortcut(QKeySequence::Delete);
    m_deleteImage->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_Delete));
    m_retag->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    m_refresh->setShortcut(QKeySequence::Refresh);
    m_copyReference->setToolTip(tr("Copy “host/repository:tag” of the selected tags"));
    m_copyPull->setToolTip(tr("Copy “docker pull host/repository:tag” of the selected tags"));
    m_copyPodmanPull->setToolTip(tr("Copy “podman pull host/repository:tag” of the selected tags"));
    m_deleteTag->setToolTip(tr("Remove the selected tags; the image and its other tags stay"));
    m_deleteImage->setToolTip(
            tr("Delete the image by digest: every tag pointing at it goes with it"));
    m_retag->setToolTip(tr("Tag the selected image under another name or repository"));
    for (QAction *action : {m_retag, m_deleteTag, m_deleteImage})
        m_writeTips.insert(action, action->toolTip());

    // Ctrl+C and Del belong to the table: the filter field and the details pane keep their own.
    for (QAction *action : {m_copyReference, m_copyPull, m_copyPodmanPull, m_copyByDigest,
                            m_copyDigest, m_retag, m_deleteTag, m_deleteImage, m_retry}) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        m_view->addAction(action);
    }
    m_refresh->setShortcutContext(Qt::WindowShortcut);

    connect(m_copyReference, &QAction::triggered, this, [this] {
        copyTagLines(QString(),
                     [](int count) { return tr("Copied %n reference(s).", nullptr, count); });
    });
    connect(m_copyPull, &QAction::triggered, this, [this] {
        copyTagLines(u"docker pull "_s, [](int count) {
            return tr("Copied %n docker pull command(s).", nullptr, count);
        });
    });
    connect(m_copyPodmanPull, &QAction::triggered, this, [this] {
        copyTagLines(u"podman pull "_s, [](int count) {
            return tr("Copied %n podman pull command(s).", nullptr, count);
        });
    });
    connect(m_copyByDigest, &QAction::triggered, this, &TagActions::copyByDigestReference);
    connect(m_copyDigest, &QAction::triggered, this, &TagActions::copyDigest);
    connect(m_retag, &QAction::triggered, this, &TagActions::openRetagDialog);
    connect(m_deleteTag, &QAction::triggered, this, &TagActions::confirmDeleteTags);
    connect(m_deleteImage, &QAction::triggered, this, &TagActions::confirmDeleteImage);
    connect(m_retry, &QAction::triggered, this, &TagActions::retryMetadata);
    connect(m_refresh, &QAction::triggered, this, &TagActions::refreshRequested);
    connect(m_exportSelection, &QAction::triggered, this, [this] {
        // An image row stands for every loaded tag of it.
        if (m_view)
            Q_EMIT exportSelectionRequested(m_view->selectedMemberTags());
    });
    connect(m_groupByImage, &QAction::toggled, this, [this](bool grouped) {
        if (m_view)
            m_view->setGrouped(grouped);
    });
    // Grouping gives the view another selection model: follow it.
    connect(m_view, &TagTableView::groupedChanged, this, [this] {
        if (m_view && m_view->selectionModel()) {
            connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
                    &TagActions::updateEnabled, Qt::UniqueConnection);
        }
        updateEnabled();
    });
    connect(m_browseFiles, &QAction::triggered, this, [this] {
        const QStringList tags = m_view ? m_view->selectedTags() : QStringList();
        if (tags.size() == 1 && m_operations)
            Q_EMIT browseFilesRequested(tags.constFirst());
    });
    connect(m_compare, &QAction::triggered, this, [this] {
        const QStringList tags = m_view ? m_view->selectedTags() : QStringList();
        if ((tags.size() == 1 || tags.size() == 2) && m_operations)
            Q_EMIT compareRequested(tags);
    });
    updateEnabled();
}

void TagActions::setRepository(TagOperations *operations, const QString &registryName,
                               const QString &repository)
{
    m_operations = operations;
    m_registryName = registryName;
    m_repository = repository;
    m_lastFailed = {};
    if (m_view && m_view->selectionModel()) {
        connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
                &TagActions::updateEnabled, Qt::UniqueConnection);
    }
    updateEnabled();
}

void TagActions::setReadOnlyReason(const QString &reason)
{
    if (reason == m_readOnlyReason)
        return;
    m_readOnlyReason = reason;
    for (auto it = m_writeTips.cbegin(); it != m_writeTips.cend(); ++it)
        it.key()->setToolTip(reason.isEmpty() ? it.value() : reason);
    updateEnabled();
}

QMenu *TagActions::createContextMenu(QWidget *parent)
{
    updateEnabled();
    auto *menu = new QMenu(parent);
    menu->setObjectName(u"tagContextMenu"_s);
    // Why Delete is disabled (offline, or an image row in the grouped view).
    menu->setToolTipsVisible(!m_readOnlyReason.isEmpty()
                             || (m_view && m_view->selectionHasImageRows()));
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addAction(m_copyReference);
    menu->addAction(m_copyPull);
    menu->addAction(m_copyPodmanPull);
    menu->addAction(m_copyByDigest);
    menu->addAction(m_copyDigest);
    menu->addSeparator();
    menu->addAction(m_retag);
    menu->addSeparator();
    menu->addAction(m_browseFiles);
    menu->addAction(m_compare);
    menu->addSeparator();
    menu->addAction(m_deleteTag);
    menu->addAction(m_deleteImage);
    menu->addSeparator();
    menu->addAction(m_exportSelection);
    menu->addSeparator();
    menu->addAction(m_retry);
    menu->addAction(m_refresh);
    return menu;
}

void TagActions::updateEnabled()
{
    const QList<int> rows = m_view ? m_view->selectedSourceRows() : QList<int>();
    const bool any = !rows.isEmpty() && m_operations;
    bool anyFailed = false;
    if (m_view && m_view->tagModel()) {
        for (int row : rows) {
            anyFailed |= m_view->tagModel()
                                 ->index(row, 0)
                                 .data(TagTableModel::LoadStateRole)
                                 .value<TagTableModel::LoadState>()
                         == TagTableModel::LoadState::Failed;
        }
    }
    m_copyReference->setEnabled(any);
    m_copyPull->setEnabled(any);
    m_copyPodmanPull->setEnabled(any);
    m_copyByDigest->setEnabled(any);
    m_copyDigest->setEnabled(any);
    const bool writable = m_readOnlyReason.isEmpty();
    m_retag->setEnabled(any && rows.size() == 1 && writable);
    // An image row holds several tags: deleting "the" tag would pick one of them behind the
    // person's back. Delete Image removes the image; flat rows delete single tags.
    const bool imageRows = m_view && m_view->selectionHasImageRows();
    m_deleteTag->setEnabled(any && writable && !imageRows);
    if (writable) {
        m_deleteTag->setToolTip(
                imageRows ? tr("A selected row is an image with several tags: use Delete Image, "
                               "or turn off View ▸ Group Tags by Image to delete single tags")
                          : m_writeTips.value(m_deleteTag));
    }
    m_deleteImage->setEnabled(any && rows.size() == 1 && writable);
    m_retry->setEnabled(anyFailed);
    m_refresh->setEnabled(bool(m_operations));
    m_exportSelection->setEnabled(any);
    m_browseFiles->setEnabled(any && rows.size() == 1);
    m_compare->setEnabled(any && rows.size() <= 2);
}

QString TagActions::reference(const QString &tag) const
{
    return m_registryName + u'/' + m_repository + u':' + tag;
}

QString TagActions::byDigest(const QString &digest) const
{
    return m_registryName + u'/' + m_repository + u'@' + digest;
}

QString TagActions::digestOfTag(const QString &tag) const
{
    TagTableModel *model = m_view ? m_view->tagModel() : nullptr;
    if (!model)
        return {};
    const int row = model->rowOfTag(tag);
    return row < 0 ? QString() : model->index(row, 0).data(TagTableModel::DigestRole).toString();
}

void TagActions::withDigests(const QStringList &tags,
                             std::function<void(QHash<QString, QString>, QString)> done)
{
    QHash<QString, QString> digests;
    QStringList unknown;
    for (const QString &tag : tags) {
        const QString digest = digestOfTag(tag);
        if (digest.isEmpty())
            unknown.append(tag);
        else
            digests.insert(tag, digest);
    }
    if (unknown.isEmpty() || !m_operations) {
        done(digests, unknown.isEmpty() ? QString() : tr("Not connected."));
        return;
    }
    // Rows whose digest is not known yet: a HEAD each, at Interactive priority.
    m_operations->resolveDigests(m_repository, unknown)
            ->onFinished(this, [digests, done](const Result<QHash<QString, QString>> &resolved) {
                if (!resolved) {
                    done(digests, resolved.error().toString());
                    return;
                }
                QHash<QString, QString> all = digests;
                all.insert(*resolved);
                done(all, QString());
            });
}

void TagActions::copyToClipboard(const QString &text, const QString &what)
{
    QGuiApplication::clipboard()->setText(text);
    Q_EMIT succeeded(what);
}

void TagActions::copyTagLines(const QString &prefix, const std::function<QString(int)> &what)
{
    if (!m_view)
        return;
    QStringList lines;
    const QStringList tags = m_view->selectedTags();
    for (const QString &tag : tags)
        lines.append(prefix + reference(tag));
    if (!lines.isEmpty())
        copyToClipboard(lines.join(u'\n'), what(int(lines.size())));
}

void TagActions::copyByDigestReference()
{
    copyDigestLines(
            [this](const QString &digest) { return byDigest(digest); },
            [](int count) { return tr("Copied %n by-digest reference(s).", nullptr, count); });
}

void TagActions::copyDigest()
{
    copyDigestLines([](const QString &digest) { return digest; },
                    [](int count) { return tr("Copied %n digest(s).", nullptr, count); });
}

void TagActions::copyDigestLines(const std::function<QString(const QString &)> &line,
                                 const std::function<QString(int)> &what)
{
    if (!m_view)
        return;
    const QStringList tags = m_view->selectedTags();
    withDigests(tags, [this, tags, line, what](const QHash<QString, QString> &digests,
                                               const QString &error) {
        if (!error.isEmpty()) {
            fail(tr("Could not resolve a digest: %1").arg(error), {});
            return;
        }
        QStringList lines;
        for (const QString &tag : tags)
            lines.append(line(digests.value(tag)));
        copyToClipboard(lines.join(u'\n'), what(int(lines.size())));
    });
}

void TagActions::openRetagDialog()
{
    if (!m_view || !m_operations)
        return;
    const QStringList tags = m_view->selectedTags();
    if (tags.size() != 1)
        return;
    const QString tag = tags.constFirst();
    auto *dialog = new RetagDialog(reference(tag), m_repository, m_dialogParent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog, tag] { retag(tag, dialog->targetRepository(), dialog->newTag()); });
    dialog->open();
}

void TagActions::retag(const QString &sourceTag, const QString &targetRepository,
                       const QString &newTag)
{
    if (!m_operations)
        return;
    if (!m_readOnlyReason.isEmpty())
        return fail(m_readOnlyReason, {});
    const QString target = targetRepository.isEmpty() ? m_repository : targetRepository;
    const QString newReference = m_registryName + u'/' + target + u':' + newTag;
    begin(tr("Tagging %1 as %2 …").arg(sourceTag, newReference));
    const auto retry = [this, sourceTag, targetRepository, newTag] {
        retag(sourceTag, targetRepository, newTag);
    };
    // The source as the table knows it (its digest) when it does: the new tag then carries
    // exactly what was selected. TagOperations pins an unknown one itself.
    const QString known = digestOfTag(sourceTag);
    m_operations->retag(m_repository, known.isEmpty() ? sourceTag : known, targetRepository, newTag)
            ->onFinished(this, [this, target, newTag, newReference,
                                retry](const Result<RetagResult> &result) {
                end();
                if (!result) {
                    fail(tr("Could not tag %1: %2").arg(newReference, result.error().toString()),
                         retry);
                    return;
                }
                if (target == m_repository && m_view && m_view->tagModel())
                    m_view->tagModel()->addTag(newTag);
                const Error &check = result->verification;
                if (!result->verifiedDigest.isEmpty() && result->verifiedDigest != result->digest) {
                    fail(tr("Tagged %1, but it points at %2 instead of %3.")
                                 .arg(newReference, result->verifiedDigest, result->digest),
                         {});
                } else if (check.isError()) {
                    fail(tr("Tagged %1, but could not verify it: %2")
                                 .arg(newReference, check.toString()),
                         {});
                } else {
                    Q_EMIT succeeded(tr("Tagged %1 (digest verified: %2).")
                                             .arg(newReference, result->digest.left(19)));
                }
            });
}

void TagActions::confirmDeleteTags()
{
    if (!m_view || !m_operations)
        return;
    const QStringList tags = m_view->selectedTags();
    if (tags.isEmpty())
        return;
    auto *box = new QMessageBox(m_dialogParent);
    box->setObjectName(u"deleteTagConfirmation"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setIcon(QMessageBox::Warning);
    box->setWindowTitle(tr("Delete Tag"));
    if (tags.size() == 1) {
        box->setText(
                tr("Delete the tag <b>%1</b>?").arg(reference(tags.constFirst()).toHtmlEscaped()));
    } else {
        QStringList shown = tags.mid(0, 20);
        QString list = shown.join(u", "_s).toHtmlEscaped();
        if (tags.size() > shown.size())
            list += tr(" and %n more", nullptr, int(tags.size() - shown.size()));
        box->setText(tr("Delete %n tags of <b>%1</b>?", nullptr, int(tags.size()))
                             .arg(m_repository.toHtmlEscaped())
                     + u"<br>"_s + list);
    }
    box->setInformativeText(
            tr("Only the tag goes; the image and its other tags stay, on every kind of registry "
               "(Berth moves the tag to a placeholder and deletes that). An image left without "
               "tags keeps its space until it is deleted (Delete Image)."));
    box->setStandardButtons(QMessageBox::Yes | QMessageBox::Cancel);
    box->button(QMessageBox::Yes)->setText(tr("Delete Tag"));
    box->setDefaultButton(QMessageBox::Cancel);
    // The digests the rows showed when the user confirmed: a tag pushed to since then is not
    // the one the user meant to remove, and is left alone.
    QHash<QString, QString> seen;
    if (TagTableModel *model = m_view->tagModel()) {
        for (int row : m_view->selectedSourceRows()) {
            const QModelIndex index = model->index(row, 0);
            const QString digest = index.data(TagTableModel::DigestRole).toString();
            if (!digest.isEmpty())
                seen.insert(index.data(TagTableModel::TagRole).toString(), digest);
        }
    }
    connect(box, &QMessageBox::finished, this, [this, box, tags, seen] {
        if (box->clickedButton() == box->button(QMessageBox::Yes))
            deleteTags(tags, seen);
    });
    box->open();
}

void TagActions::deleteTags(const QStringList &tags, const QHash<QString, QString> &seen)
{
    if (!m_operations || tags.isEmpty())
        return;
    if (!m_readOnlyReason.isEmpty())
        return fail(m_readOnlyReason, {});
    begin(tr("Deleting %n tag(s) …", nullptr, int(tags.size())));
    m_operations->deleteTags(m_repository, tags, seen)
            ->onFinished(this, [this, seen](const Result<TagsDeleted> &result) {
                end();
                if (!result) {
                    fail(tr("Could not delete: %1").arg(result.error().toString()), {});
                    return;
                }
                if (m_view && m_view->tagModel()) {
                    for (const QString &tag : result->deleted)
                        m_view->tagModel()->removeTag(tag);
                }
                if (result->failed.isEmpty()) {
                    Q_EMIT succeeded(
                            result->deleted.size() == 1
                                    ? tr("Deleted tag %1.")
                                              .arg(reference(result->deleted.constFirst()))
                                    : tr("Deleted %n tags.", nullptr, int(result->deleted.size())));
                    return;
                }
                const QStringList again = result->failed;
                fail(tr("Could not delete %1: %2")
                             .arg(again.join(u", "_s), result->error.toString()),
                     [this, again, seen] { deleteTags(again, seen); });
            });
}

void TagActions::confirmDeleteImage()
{
    if (!m_view || !m_operations)
        return;
    const QStringList tags = m_view->selectedTags();
    if (tags.size() != 1)
        return;
    withDigests(tags, [this, tags](const QHash<QString, QString> &digests, const QString &error) {
        const QString digest = digests.value(tags.constFirst());
        if (!error.isEmpty() || digest.isEmpty()) {
            fail(tr("Could not resolve the digest of %1: %2").arg(tags.constFirst(), error), {});
            return;
        }
        // What goes is asked of the server now: every tag of the repository on this digest,
        // also those the table has not listed or resolved yet.
        begin(tr("Finding every tag of image %1 …").arg(Digest::shortForm(digest)));
        m_operations->tagsOfDigest(m_repository, digest)
                ->onFinished(this, [this, digest](const Result<QStringList> &siblings) {
                    end();
                    if (!siblings) {
                        fail(tr("Could not find the tags of image %1, nothing was deleted: %2")
                                     .arg(Digest::shortForm(digest), siblings.error().message),
                             {});
                        return;
                    }
                    askDeleteImage(digest, *siblings);
                });
    });
}

void TagActions::askDeleteImage(const QString &digest, const QStringList &siblings)
{
    auto *box = new QMessageBox(m_dialogParent);
    box->setObjectName(u"deleteImageConfirmation"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setIcon(QMessageBox::Warning);
    box->setWindowTitle(tr("Delete Image"));
    box->setTextFormat(Qt::RichText);
    box->setText(tr("Delete the image <code>%1</code> from <b>%2</b>?")
                         .arg(byDigest(digest).toHtmlEscaped(), m_repository.toHtmlEscaped()));
    box->setInformativeText(
            siblings.isEmpty()
                    ? tr("No tag points at it now (the registry was just asked).")
                    : tr("The registry says these %n tag(s) point at it; all of them go with it:",
                         nullptr, int(siblings.size()))
                              + u"<br><b>"_s + siblings.join(u", "_s).toHtmlEscaped() + u"</b>"_s);
    box->setStandardButtons(QMessageBox::Yes | QMessageBox::Cancel);
    box->button(QMessageBox::Yes)->setText(tr("Delete Image"));
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::finished, this, [this, box, digest, siblings] {
        if (box->clickedButton() == box->button(QMessageBox::Yes))
            deleteImage(digest, siblings);
    });
    box->open();
}

void TagActions::deleteImage(const QString &digest, const QStringList &siblingTags)
{
    if (!m_operations)
        return;
    if (!m_readOnlyReason.isEmpty())
        return fail(m_readOnlyReason, {});
    begin(tr("Deleting image %1 …").arg(digest.left(19)));
    m_operations->deleteImage(m_repository, digest)
            ->onFinished(this, [this, digest, siblingTags](const Result<void> &result) {
                end();
                if (!result) {
                    fail(tr("Could not delete image %1: %2").arg(digest, result.error().toString()),
                         [this, digest, siblingTags] { deleteImage(digest, siblingTags); });
                    return;
                }
                if (m_view && m_view->tagModel()) {
                    for (const QString &tag : siblingTags)
                        m_view->tagModel()->removeTag(tag);
                }
                Q_EMIT succeeded(tr("Deleted image %1 and its tags %2.")
                                         .arg(digest.left(19), siblingTags.join(u", "_s)));
            });
}

void TagActions::retryMetadata()
{
    if (!m_view || !m_view->tagModel())
        return;
    TagTableModel *model = m_view->tagModel();
    const QList<int> rows = m_view->selectedSourceRows();
    for (int row : rows) {
        if (model->index(row, 0)
                    .data(TagTableModel::LoadStateRole)
                    .value<TagTableModel::LoadState>()
            == TagTableModel::LoadState::Failed)
            model->updater()->retryRow(row);
    }
    updateEnabled();
}

void TagActions::retryLastFailed()
{
    if (auto retry = std::exchange(m_lastFailed, {}))
        retry();
}

void TagActions::begin(const QString &text)
{
    ++m_inFlight;
    Q_EMIT busyChanged(text);
}

void TagActions::end()
{
    if (--m_inFlight == 0)
        Q_EMIT busyChanged({});
}

void TagActions::fail(const QString &message, std::function<void()> retry)
{
    m_lastFailed = std::move(retry);
    Q_EMIT failed(message);
}

} // namespace Berth
