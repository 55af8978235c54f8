#include "ui/filesview.h"

#include "models/files/filetreemodel.h"
#include "models/session/registrysession.h"
#include "net/core/digest.h"
#include "ui/errorbanner.h"
#include "ui/icons.h"
#include "ui/platformbox.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHash>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMutex>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStringDecoder>
#include <QStyledItemDelegate>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

// A tree of a few thousand rows opens at once; expanding a bigger one would build every row.
constexpr int ExpandAllBelow = 2000;
// The glob waits for a pause in typing: each application rebuilds the view (~0.1 s at 300k).
constexpr int FilterDelayMs = 200;
// Bytes read show a few times a second: live enough, and costs nothing.
constexpr int ProgressIntervalMs = 200;
// A layer's command in the layer list; the whole command is its tooltip.
constexpr int CreatedByChars = 60;

QString sizeText(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes);
}

//! Folders before files in either order, then the column's sort role.
class FolderFirstProxy final : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override
    {
        const bool leftFolder = left.data(FileTreeModel::IsFolderRole).toBool();
        const bool rightFolder = right.data(FileTreeModel::IsFolderRole).toBool();
        if (leftFolder != rightFolder)
            return sortOrder() == Qt::AscendingOrder ? leftFolder : rightFolder;
        return QSortFilterProxyModel::lessThan(left, right);
    }
};

//! Icons by entry type; removed paths (a layer's view) struck through and dimmed.
class FileItemDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (index.data(FileTreeModel::ChangeRole).toInt() == LayerChange::Removed) {
            option->font.setStrikeOut(true);
            option->palette.setColor(QPalette::Text,
                                     option->palette.color(QPalette::PlaceholderText));
        }
        if (index.column() != FileTreeModel::NameColumn || !option->widget)
            return;
        QStyle *style = option->widget->style();
        QStyle::StandardPixmap icon = QStyle::SP_FileIcon;
        switch (EntryType(index.data(FileTreeModel::TypeRole).toInt())) {
        case EntryType::Dir:
            icon = QStyle::SP_DirIcon;
            break;
        case EntryType::Symlink:
        case EntryType::Hardlink:
            icon = QStyle::SP_FileLinkIcon;
            break;
        default:
            break;
        }
        // Once per kind and style: the style reads its icons from image files each time it
        // is asked, and this runs for every row painted.
        QIcon &cached = m_icons[{style, int(icon)}];
        if (cached.isNull())
            cached = style->standardIcon(icon, option, option->widget);
        option->icon = cached;
        option->features |= QStyleOptionViewItem::HasDecoration;
    }

private:
    mutable QHash<std::pair<const QStyle *, int>, QIcon> m_icons;
};

QString shortCommand(QString createdBy)
{
    // Docker's history says how a step ran, not what it did: that prefix says nothing here.
    for (const QString &prefix : {u"/bin/sh -c #(nop) "_s, u"/bin/sh -c "_s}) {
        if (createdBy.startsWith(prefix)) {
            createdBy = createdBy.mid(prefix.size());
            break;
        }
    }
    createdBy = createdBy.simplified();
    if (createdBy.size() > CreatedByChars)
        createdBy = createdBy.left(CreatedByChars - 1) + u'…';
    return createdBy;
}

QFileDevice::Permissions permissionsOf(quint32 mode)
{
    // The owner may always read and write what was saved (a 0400 file must still be removable).
    mode |= 0600;
    QFileDevice::Permissions permissions;
    const auto add = [&](quint32 bit, QFileDevice::Permissions flags) {
        if (mode & bit)
            permissions |= flags;
    };
    add(0400, QFileDevice::ReadOwner | QFileDevice::ReadUser);
    add(0200, QFileDevice::WriteOwner | QFileDevice::WriteUser);
    add(0100, QFileDevice::ExeOwner | QFileDevice::ExeUser);
    add(0040, QFileDevice::ReadGroup);
    add(0020, QFileDevice::WriteGroup);
    add(0010, QFileDevice::ExeGroup);
    add(0004, QFileDevice::ReadOther);
    add(0002, QFileDevice::WriteOther);
    add(0001, QFileDevice::ExeOther);
    return permissions;
}

//! Why target (under root, both clean and absolute) must not be written, or empty: outside
//! root, or reached through a symbolic link that is already there (never followed).
QString unsafeTarget(const QString &root, const QString &target)
{
    const QString prefix = root.endsWith(u'/') ? root : root + u'/';
    if (!target.startsWith(prefix) || QDir::cleanPath(target) != target)
        return FilesView::tr("outside the chosen folder");
    QString walked = root;
    const QStringList parts = target.mid(prefix.size()).split(u'/', Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        walked += (walked.endsWith(u'/') ? QString() : u"/"_s) + part;
        if (QFileInfo(walked).isSymLink())
            return FilesView::tr("%1 is a symbolic link already").arg(walked);
    }
    return {};
}

} // namespace

//! A file being written by a read's sink (a layer thread) and committed on the GUI thread.
struct FilesView::WriteTarget
{
    QMutex mutex;
    std::unique_ptr<QSaveFile> file; //!< null once the read ended: the sink then stops
    qint64 written = 0;
    QString error;
};

//! A folder being saved: folders were made, files go one read at a time, links come last.
struct FilesView::FolderSave
{
    struct File
    {
        QString path;
        QString target;
        qint64 size = 0;
    };
    QString root;
    QString shownRoot; //!< where the folder went, for the message
    QList<File> files;
    QList<QPair<QString, QString>> links; //!< link text, target
    qsizetype next = 0;
    int saved = 0;
    int folders = 0;
    QStringList problems;
};

FilesView::FilesView(RegistrySession *session, LayerListingCache *cache, const QString &repository,
                     const QString &tag, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_cache(cache)
    , m_repository(repository)
    , m_tag(tag)
    , m_reference((session ? session->registryName() + u'/' : QString()) + repository + u':' + tag)
    , m_platform(new QComboBox(this))
    , m_platformLabel(new QLabel(tr("&Platform:"), this))
    , m_layers(new QComboBox(this))
    , m_glob(new QLineEdit(this))
    , m_largest(new QCheckBox(tr("&Largest files"), this))
    , m_banner(new ErrorBanner(this))
    , m_progress(new QProgressBar(this))
    , m_cancel(new QToolButton(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_tree(new QTreeView(this))
    , m_model(new FileTreeModel(this))
    , m_proxy(new FolderFirstProxy(this))
    , m_status(new QLabel(this))
    , m_save(new QPushButton(tr("&Save As…"), this))
    , m_close(new QPushButton(tr("Close"), this))
{
    setObjectName(u"filesView"_s);
    setWindowTitle(tr("Files — %1").arg(m_reference));
    setSizeGripEnabled(true);
    resize(1180, 760);
    createWidgets();
    m_filterTimer.setSingleShot(true);
    m_filterTimer.setInterval(FilterDelayMs);
    connect(&m_filterTimer, &QTimer::timeout, this, &FilesView::applyGlob);
    m_progressTimer.setInterval(ProgressIntervalMs);
    connect(&m_progressTimer, &QTimer::timeout, this, &FilesView::updateProgress);
    load(QString());
}

FilesView::~FilesView()
{
    // Jobs are children and go with the view; a file half written goes unsaved.
    if (m_writing) {
        QMutexLocker lock(&m_writing->mutex);
        m_writing->file.reset();
    }
    for (Job *job : {static_cast<Job *>(m_job.data()), static_cast<Job *>(m_previewJob.data()),
                     static_cast<Job *>(m_saveJob.data())}) {
        if (job)
            job->cancel();
    }
}

void FilesView::createWidgets()
{
    m_platform->setObjectName(u"platformBox"_s);
    m_platform->setToolTip(tr("The tag is an index: the platform image whose files are shown"));
    m_platformLabel->setBuddy(m_platform);
    m_platform->hide();
    m_platformLabel->hide();
    connect(m_platform, &QComboBox::currentIndexChanged, this,
            [this] { load(m_platform->currentText()); });

    m_layers->setObjectName(u"layerBox"_s);
    m_layers->setToolTip(tr("The whole image, or what one layer added, changed and removed"));
    m_layers->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_layers->setMinimumContentsLength(48);
    m_layers->setEnabled(false);
    connect(m_layers, &QComboBox::currentIndexChanged, this, [this] {
        m_model->setLayer(m_layers->currentData().toInt());
        afterViewChange();
    });
    auto *layerLabel = new QLabel(tr("La&yers:"), this);
    layerLabel->setBuddy(m_layers);

    m_glob->setObjectName(u"globEdit"_s);
    m_glob->setPlaceholderText(tr("Find paths: *.conf, etc/*, python (Ctrl+F)"));
    m_glob->setToolTip(tr("A glob on the name or the whole path, case-insensitive; text without "
                          "* ? [ finds names that contain it"));
    m_glob->setClearButtonEnabled(true);
    m_glob->addAction(Icons::themed(u"edit-find"_s), QLineEdit::LeadingPosition);
    connect(m_glob, &QLineEdit::textChanged, this, [this] { m_filterTimer.start(); });
    auto *find = new QAction(this);
    find->setShortcut(QKeySequence::Find);
    connect(find, &QAction::triggered, this, [this] {
        m_glob->setFocus(Qt::ShortcutFocusReason);
        m_glob->selectAll();
    });
    addAction(find);

    m_largest->setObjectName(u"largestFilesBox"_s);
    m_largest->setToolTip(
            tr("A flat list of the %1 biggest files").arg(FileTreeModel::LargestCount));
    connect(m_largest, &QCheckBox::toggled, this, [this](bool on) {
        m_model->setLargestFiles(on);
        if (on)
            m_tree->sortByColumn(FileTreeModel::SizeColumn, Qt::DescendingOrder);
        else
            m_tree->sortByColumn(FileTreeModel::NameColumn, Qt::AscendingOrder);
        afterViewChange();
    });

    auto *controls = new QHBoxLayout;
    controls->addWidget(m_platformLabel);
    controls->addWidget(m_platform);
    controls->addWidget(layerLabel);
    controls->addWidget(m_layers, 2);
    controls->addWidget(m_glob, 1);
    controls->addWidget(m_largest);

    m_progress->setObjectName(u"filesProgress"_s);
    m_progress->setTextVisible(true);
    m_progress->hide();
    m_cancel->setObjectName(u"filesCancelButton"_s);
    m_cancel->setIcon(Icons::themed(u"process-stop"_s));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_cancel->setAutoRaise(true);
    m_cancel->hide();
    connect(m_cancel, &QToolButton::clicked, this, &FilesView::cancelWork);
    auto *progress = new QHBoxLayout;
    progress->addWidget(m_progress, 1);
    progress->addWidget(m_cancel);

    m_banner->setObjectName(u"filesBanner"_s);
    connect(m_banner, &ErrorBanner::retryRequested, this,
            [this] { load(m_platform->isVisible() ? m_platform->currentText() : QString()); });

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(FileTreeModel::SortRole);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);
    m_tree->setObjectName(u"fileTree"_s);
    m_tree->setModel(m_proxy);
    m_tree->setItemDelegate(new FileItemDelegate(m_tree));
    m_tree->setUniformRowHeights(true); // 300k rows: no per-row size hints
    m_tree->setSortingEnabled(true);
    m_tree->sortByColumn(FileTreeModel::NameColumn, Qt::AscendingOrder);
    m_tree->setAlternatingRowColors(true);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->header()->setStretchLastSection(true);
    m_tree->setColumnWidth(FileTreeModel::NameColumn, 300);
    m_tree->setColumnWidth(FileTreeModel::SizeColumn, 90);
    m_tree->setColumnWidth(FileTreeModel::ModeColumn, 56);
    m_tree->setColumnWidth(FileTreeModel::LayerColumn, 64);
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) { onCurrentChanged(current); });
    connect(m_tree, &QTreeView::activated, this, [this](const QModelIndex &index) {
        if (!index.data(FileTreeModel::IsFolderRole).toBool())
            return;
        m_tree->setExpanded(index, !m_tree->isExpanded(index));
    });

    m_splitter->setObjectName(u"filesSplitter"_s);
    m_splitter->addWidget(m_tree);
    m_splitter->addWidget(createPreviewPane());
    m_splitter->setChildrenCollapsible(false);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setSizes({680, 460});

    m_status->setObjectName(u"filesStatus"_s);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_save->setObjectName(u"saveAsButton"_s);
    m_save->setToolTip(tr("Save the selected file, or the selected folder with everything in it"));
    m_save->setEnabled(false);
    connect(m_save, &QPushButton::clicked, this, &FilesView::chooseSaveTarget);
    m_close->setAutoDefault(false);
    m_save->setAutoDefault(false);
    connect(m_close, &QPushButton::clicked, this, &QDialog::reject);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(m_save);
    buttons->addWidget(m_close);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_banner);
    layout->addLayout(progress);
    layout->addWidget(m_splitter, 1);
    layout->addLayout(buttons);
}

QWidget *FilesView::createPreviewPane()
{
    auto *pane = new QWidget(this);
    m_previewTitle = new QLabel(pane);
    m_previewTitle->setObjectName(u"previewTitle"_s);
    QFont bold = m_previewTitle->font();
    bold.setBold(true);
    m_previewTitle->setFont(bold);
    m_previewTitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_previewTitle->setWordWrap(true);
    m_previewInfo = new QLabel(pane);
    m_previewInfo->setObjectName(u"previewInfo"_s);
    m_previewInfo->setWordWrap(true);
    m_previewInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_preview = new QPlainTextEdit(pane);
    m_preview->setObjectName(u"previewText"_s);
    m_preview->setReadOnly(true);
    m_preview->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_preview->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_preview->setPlaceholderText(tr("Select a file to see what it holds."));
    m_previewNote = new QLabel(pane);
    m_previewNote->setObjectName(u"previewNote"_s);
    m_previewNote->setWordWrap(true);
    auto *layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_previewTitle);
    layout->addWidget(m_previewInfo);
    layout->addWidget(m_preview, 1);
    layout->addWidget(m_previewNote);
    return pane;
}

void FilesView::setState(State state)
{
    m_state = state;
    m_layers->setEnabled(state == State::Loaded);
    updateSaveEnabled();
    m_status->setText(statusText());
    Q_EMIT stateChanged(state);
}

QString FilesView::statusText() const
{
    const QLocale locale;
    switch (m_state) {
    case State::Loading:
        return tr("Reading the layers of %1 …").arg(m_reference);
    case State::Failed:
        return tr("No files shown.");
    case State::Loaded:
        break;
    }
    QStringList parts;
    parts.append(tr("%1 entries").arg(locale.toString(m_files.filesystem.entries().size())));
    parts.append(tr("%1 in %2 files").arg(sizeText(m_fileBytes), locale.toString(m_fileCount)));
    parts.append(tr("%n layer(s)", nullptr, int(m_files.image.layers.size())));
    if (!m_files.indexDigest.isEmpty())
        parts.append(m_files.platform());
    if (m_model->layer() != 0 || !m_model->pathFilter().isEmpty() || m_model->largestFiles()) {
        parts.append(tr("shown: %1 files, %2")
                             .arg(locale.toString(m_model->shownFiles()),
                                  sizeText(m_model->shownFileBytes())));
    }
    return parts.join(u" · "_s);
}

void FilesView::load(const QString &platform)
{
    if (m_saving)
        return;
    if (m_job)
        m_job->cancel();
    const quint64 generation = ++m_generation;
    m_files = ImageFiles();
    m_model->setFilesystem(ImageFilesystem());
    m_banner->hide();
    {
        const QSignalBlocker blocker(m_layers);
        m_layers->clear();
    }
    // A preview of the image shown before is of no use now.
    ++m_previewGeneration;
    if (m_previewJob)
        m_previewJob->cancel();
    m_previewPath.clear();
    m_previewTitle->clear();
    m_previewInfo->clear();
    showPreviewMessage(Preview::None, QString());
    setState(State::Loading);
    if (!m_session) {
        onLoaded(Error(ErrorCode::InvalidInput, tr("not connected")), {});
        return;
    }
    auto *job = new ImageFilesJob(m_session->metadata(), m_cache, m_repository, m_tag, platform,
                                  ImageFilesJob::Depth::Files, Priority::Interactive, this);
    m_job = job;
    connect(job, &ImageFilesJob::progressed, this, &FilesView::updateProgress);
    // The handler runs on the job's own finished(): the job is still there to ask.
    job->onFinished(this, [this, job, generation](const Result<ImageFiles> &result) {
        if (generation == m_generation)
            onLoaded(result, job->platforms());
    });
    m_progressBase = 0;
    m_progressTotal = 0;
    m_progress->setRange(0, 0);
    m_progress->setFormat(tr("Reading the image …"));
    m_progress->show();
    m_cancel->show();
    m_progressTimer.start();
}

void FilesView::onLoaded(const Result<ImageFiles> &result, const QStringList &platforms)
{
    m_progressTimer.stop();
    m_progress->hide();
    m_cancel->hide();
    if (!result) {
        // An index: its platforms are known now; the files of one of them are read.
        if (result.error().code == ErrorCode::InvalidInput && !platforms.isEmpty()
            && m_platform->count() == 0) {
            fillPlatformBox(m_platform, platforms, u"linux/amd64"_s);
            m_platform->show();
            m_platformLabel->show();
            load(m_platform->currentText());
            return;
        }
        setState(State::Failed);
        m_banner->showError(tr("Could not read the files of %1: %2")
                                    .arg(m_reference, result.error().toString()),
                            result.error().code != ErrorCode::Unsupported);
        return;
    }
    m_files = *result;
    m_fileCount = 0;
    m_fileBytes = 0;
    for (const MergedEntry &merged : m_files.filesystem.entries()) {
        if (merged.entry.type == EntryType::File) {
            ++m_fileCount;
            m_fileBytes += merged.entry.size;
        }
    }
    m_model->setFilesystem(m_files.filesystem);
    fillLayers();
    setState(State::Loaded);
    afterViewChange();
    if (!m_files.notes.isEmpty()) {
        QStringList shown = m_files.notes.mid(0, 3);
        if (m_files.notes.size() > shown.size())
            shown.append(tr("%n more", nullptr, int(m_files.notes.size() - shown.size())));
        m_banner->showInfo(shown.join(u"; "_s));
    }
}

void FilesView::fillLayers()
{
    const QSignalBlocker blocker(m_layers);
    m_layers->clear();
    m_layers->addItem(tr("All layers (the image as it runs)"), 0);
    // History entries that made a layer (empty_layer false) are the layers, in order; when
    // the counts differ the history cannot be trusted to say which is which.
    QStringList commands;
    for (const HistoryEntry &entry : m_files.image.config.history) {
        if (!entry.emptyLayer)
            commands.append(entry.createdBy);
    }
    if (commands.size() != m_files.image.layers.size())
        commands.clear();
    for (qsizetype i = 0; i < m_files.image.layers.size(); ++i) {
        const Descriptor &layer = m_files.image.layers.at(i);
        QString text = tr("Layer %1: %2 · %3")
                               .arg(i + 1)
                               .arg(sizeText(layer.size), Digest::shortForm(layer.digest));
        QString tip = layer.digest + u'\n' + layer.mediaType;
        if (!commands.isEmpty() && !commands.at(i).isEmpty()) {
            text += u" · "_s + shortCommand(commands.at(i));
            tip += u"\n\n"_s + commands.at(i);
        }
        m_layers->addItem(text, int(i + 1));
        m_layers->setItemData(m_layers->count() - 1, tip, Qt::ToolTipRole);
    }
    m_layers->setCurrentIndex(0);
}

void FilesView::updateProgress()
{
    qint64 done = 0;
    qint64 total = 0;
    if (m_saving) {
        total = m_progressTotal;
        done = m_progressBase;
        if (m_writing) {
            QMutexLocker lock(&m_writing->mutex);
            done += m_writing->written;
        }
    } else if (m_job) {
        total = m_job->bytesTotal();
        done = m_job->bytesDone();
    }
    if (total <= 0) {
        m_progress->setRange(0, 0); // busy: metadata, or every layer came from the cache
        return;
    }
    m_progress->setRange(0, 1000);
    m_progress->setValue(int(qBound(qint64(0), done * 1000 / total, qint64(1000))));
    m_progress->setFormat((m_saving ? tr("Saving: %1 of %2") : tr("Reading layers: %1 of %2"))
                                  .arg(sizeText(done), sizeText(total)));
}

void FilesView::cancelWork()
{
    if (m_saving) {
        m_cancelled = true;
        if (m_saveJob)
            m_saveJob->cancel();
        return;
    }
    if (m_job)
        m_job->cancel();
}

void FilesView::applyGlob()
{
    m_model->setPathFilter(m_glob->text());
    m_glob->setToolTip(m_model->pathFilterValid()
                               ? QString()
                               : tr("Not a complete pattern yet: a [ without its ]"));
    afterViewChange();
}

void FilesView::afterViewChange()
{
    // A narrowed view is only worth it opened: its matches sit deep in folders.
    const bool narrowed = m_model->layer() != 0 || !m_model->pathFilter().isEmpty();
    if (narrowed && !m_model->largestFiles() && m_model->shownCount() <= ExpandAllBelow)
        m_tree->expandAll();
    if (!m_previewPath.isEmpty())
        selectPath(m_previewPath);
    m_status->setText(statusText());
    updateSaveEnabled();
}

bool FilesView::selectPath(const QString &path)
{
    const QModelIndex source = m_model->indexOfPath(path);
    if (!source.isValid())
        return false;
    const QModelIndex index = m_proxy->mapFromSource(source);
    for (QModelIndex parent = index.parent(); parent.isValid(); parent = parent.parent())
        m_tree->expand(parent);
    m_tree->setCurrentIndex(index);
    m_tree->scrollTo(index);
    return true;
}

void FilesView::onCurrentChanged(const QModelIndex &current)
{
    updateSaveEnabled();
    const QModelIndex index = m_proxy->mapToSource(current);
    if (!index.isValid())
        return; // a view rebuilt: the preview stays until something else is chosen
    const QString path = index.data(FileTreeModel::PathRole).toString();
    const int change = index.data(FileTreeModel::ChangeRole).toInt();
    // The same file again (a view rebuilt around it): what is shown or being read stays.
    const bool shown = m_previewState == Preview::Loading || m_previewState == Preview::Text
                       || m_previewState == Preview::Binary;
    if (path == m_previewPath && shown && change != LayerChange::Removed)
        return;
    ++m_previewGeneration;
    if (m_previewJob)
        m_previewJob->cancel();
    m_previewPath = path;
    const auto type = EntryType(index.data(FileTreeModel::TypeRole).toInt());
    const qint64 size = index.siblingAtColumn(FileTreeModel::SizeColumn)
                                .data(FileTreeModel::SortRole)
                                .toLongLong();
    m_previewTitle->setText(path);
    QStringList info{entryTypeName(type)};
    if (type == EntryType::File || type == EntryType::Dir)
        info.append(sizeText(size));
    if (const MergedEntry *merged = m_model->entryAt(index)) {
        info.append(merged->entry.modeText());
        info.append(tr("layer %1").arg(merged->layer));
        if (!merged->entry.link.isEmpty())
            info.append(u"→ "_s + merged->entry.link);
    }
    m_previewInfo->setText(info.join(u" · "_s));

    if (change == LayerChange::Removed) {
        return showPreviewMessage(
                Preview::Message,
                tr("Removed by layer %1: no longer in the image.").arg(m_model->layer()));
    }
    if (type == EntryType::Dir) {
        const int items = m_model->rowCount(index);
        return showPreviewMessage(
                Preview::Message,
                tr("A folder of %n item(s), %1 in files.", nullptr, items).arg(sizeText(size)));
    }
    const Result<const MergedEntry *> file = m_files.filesystem.resolveFile(path);
    if (!file)
        return showPreviewMessage(Preview::Message, file.error().message);
    const qint64 fileSize = (*file)->entry.size;
    if (!m_session)
        return showPreviewMessage(Preview::Failed, tr("Not connected."));
    // The sink runs on a layer thread: it only appends, under the buffer's lock.
    struct Buffer
    {
        QMutex mutex;
        QByteArray bytes;
    };
    const auto buffer = std::make_shared<Buffer>();
    const quint64 generation = m_previewGeneration;
    showPreviewMessage(Preview::Loading, tr("Reading …"));
    m_previewJob = readImageFile(
            m_session->backend(), m_files, path, PreviewBytes,
            [buffer](QByteArrayView bytes) {
                QMutexLocker lock(&buffer->mutex);
                buffer->bytes.append(bytes.data(), bytes.size());
                return true;
            },
            Priority::Interactive, this);
    m_previewJob->onFinished(
            this, [this, buffer, generation, fileSize](const Result<LayerFileRead> &read) {
                if (generation != m_previewGeneration)
                    return;
                if (!read) {
                    return showPreviewMessage(
                            Preview::Failed,
                            tr("Could not read the file: %1").arg(read.error().toString()));
                }
                QByteArray bytes;
                {
                    QMutexLocker lock(&buffer->mutex);
                    bytes = std::move(buffer->bytes);
                }
                showPreviewBytes(bytes, fileSize);
            });
}

void FilesView::showPreviewMessage(Preview state, const QString &text)
{
    m_previewState = state;
    m_preview->clear();
    m_preview->setPlaceholderText(text.isEmpty() ? tr("Select a file to see what it holds.")
                                                 : text);
    m_previewNoteText = text;
    m_previewNote->setText(state == Preview::Failed ? text : QString());
    m_previewNote->setVisible(state == Preview::Failed);
    Q_EMIT previewChanged();
}

void FilesView::showPreviewBytes(const QByteArray &bytes, qint64 size)
{
    const QLocale locale;
    const bool truncated = size > bytes.size();
    if (bytes.contains('\0')) {
        return showPreviewMessage(Preview::Binary,
                                  tr("Binary file, %1 bytes.").arg(locale.toString(size)));
    }
    // A prefix may end inside a character: up to three bytes of it are dropped, not the file.
    QString text;
    bool decoded = false;
    for (qsizetype drop = 0; drop <= (truncated ? 3 : 0) && drop < bytes.size() + 1; ++drop) {
        QStringDecoder decoder(QStringDecoder::Utf8);
        text = decoder(QByteArrayView(bytes).chopped(drop));
        if (!decoder.hasError()) {
            decoded = true;
            break;
        }
    }
    if (!decoded) {
        return showPreviewMessage(
                Preview::Binary,
                tr("Binary file (not UTF-8 text), %1 bytes.").arg(locale.toString(size)));
    }
    m_previewState = Preview::Text;
    m_preview->setPlainText(text);
    m_preview->setPlaceholderText(tr("Empty file."));
    m_previewNoteText = truncated ? tr("Showing the first %1 of %2 (%3 bytes).")
                                            .arg(sizeText(bytes.size()), sizeText(size),
                                                 locale.toString(size))
                                  : QString();
    m_previewNote->setText(m_previewNoteText);
    m_previewNote->setVisible(truncated);
    Q_EMIT previewChanged();
}

QString FilesView::previewText() const
{
    return m_previewState == Preview::Text ? m_preview->toPlainText() : QString();
}

QString FilesView::previewNote() const
{
    return m_previewNoteText;
}

void FilesView::updateSaveEnabled()
{
    bool can = m_state == State::Loaded && !m_saving && m_session;
    const QModelIndex index = m_proxy->mapToSource(m_tree->currentIndex());
    if (can) {
        const QString path = index.data(FileTreeModel::PathRole).toString();
        const auto type = EntryType(index.data(FileTreeModel::TypeRole).toInt());
        can = index.isValid()
              && index.data(FileTreeModel::ChangeRole).toInt() != LayerChange::Removed
              && (type == EntryType::Dir ? m_files.filesystem.find(path) != nullptr
                                         : m_files.filesystem.resolveFile(path).ok());
    }
    m_save->setEnabled(can);
    m_platform->setEnabled(!m_saving);
}

void FilesView::chooseSaveTarget()
{
    const QModelIndex index = m_proxy->mapToSource(m_tree->currentIndex());
    if (!index.isValid() || !m_save->isEnabled())
        return;
    const QString path = index.data(FileTreeModel::PathRole).toString();
    const bool folder = index.data(FileTreeModel::IsFolderRole).toBool();
    auto *dialog = new QFileDialog(this);
    dialog->setObjectName(u"saveAsDialog"_s);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const QString name = path.mid(path.lastIndexOf(u'/') + 1);
    if (folder) {
        dialog->setWindowTitle(tr("Save the Folder %1 Into").arg(name));
        dialog->setFileMode(QFileDialog::Directory);
        dialog->setOption(QFileDialog::ShowDirsOnly);
        dialog->setAcceptMode(QFileDialog::AcceptOpen);
        dialog->setLabelText(QFileDialog::Accept, tr("Save Here"));
    } else {
        dialog->setWindowTitle(tr("Save %1 As").arg(name));
        dialog->setAcceptMode(QFileDialog::AcceptSave);
        dialog->setFileMode(QFileDialog::AnyFile);
        dialog->selectFile(name);
    }
    connect(dialog, &QFileDialog::fileSelected, this, [this, path, folder](const QString &target) {
        if (folder)
            saveFolder(path, target);
        else
            saveFile(path, target);
    });
    dialog->open();
}

void FilesView::startSaving(const QString &text, qint64 bytesTotal)
{
    m_saving = true;
    m_cancelled = false;
    m_progressBase = 0;
    m_progressTotal = bytesTotal;
    m_progress->setRange(0, 0);
    m_progress->setFormat(text);
    m_progress->show();
    m_cancel->show();
    m_progressTimer.start();
    updateSaveEnabled();
}

void FilesView::finishSave(bool ok, const QString &message)
{
    m_saving = false;
    m_folderSave.reset();
    m_progressTimer.stop();
    m_progress->hide();
    m_cancel->hide();
    if (ok)
        m_banner->showInfo(message);
    else
        m_banner->showError(message, false);
    updateSaveEnabled();
    Q_EMIT saveFinished(ok, message);
}

void FilesView::saveFile(const QString &path, const QString &target)
{
    if (m_saving || m_state != State::Loaded)
        return;
    const Result<const MergedEntry *> file = m_files.filesystem.resolveFile(path);
    if (!file)
        return finishSave(false, tr("Could not save %1: %2").arg(path, file.error().message));
    startSaving(tr("Saving %1 …").arg(path), (*file)->entry.size);
    writeImageFile(path, target, [this, path, target](const QString &error) {
        if (error.isEmpty())
            finishSave(true, tr("Saved %1 to %2.").arg(path, QDir::toNativeSeparators(target)));
        else
            finishSave(false, tr("Could not save %1: %2").arg(path, error));
    });
}

void FilesView::writeImageFile(const QString &path, const QString &target,
                               std::function<void(const QString &)> done)
{
    // Always from the event loop, also when it fails at once: a folder of files that all fail
    // (a read-only disk) must not recurse once per file.
    const auto failSoon = [this, done](const QString &error) {
        QTimer::singleShot(0, this, [done, error] { done(error); });
    };
    const Result<const MergedEntry *> file = m_files.filesystem.resolveFile(path);
    if (!file)
        return failSoon(file.error().message);
    if (!m_session)
        return failSoon(tr("not connected"));
    const qint64 size = (*file)->entry.size;
    const quint32 mode = (*file)->entry.mode;
    auto writing = std::make_shared<WriteTarget>();
    writing->file = std::make_unique<QSaveFile>(target);
    if (!writing->file->open(QIODevice::WriteOnly)) {
        return failSoon(
                tr("cannot write %1: %2")
                        .arg(QDir::toNativeSeparators(target), writing->file->errorString()));
    }
    m_writing = writing;
    // The sink runs on a layer thread; the file is only touched under its lock, and is gone
    // (the sink then stops the read) once the read ended on the GUI thread.
    m_saveJob = readImageFile(
            m_session->backend(), m_files, path, -1,
            [writing](QByteArrayView bytes) {
                QMutexLocker lock(&writing->mutex);
                if (!writing->file)
                    return false;
                if (writing->file->write(bytes.data(), bytes.size()) != bytes.size()) {
                    writing->error = writing->file->errorString();
                    return false;
                }
                writing->written += bytes.size();
                return true;
            },
            Priority::Interactive, this);
    m_saveJob->onFinished(
            this, [this, writing, size, mode, target, done](const Result<LayerFileRead> &read) {
                QMutexLocker lock(&writing->mutex);
                std::unique_ptr<QSaveFile> saving = std::move(writing->file);
                QString error;
                if (!read)
                    error = read.error().toString();
                else if (!writing->error.isEmpty())
                    error = writing->error;
                else if (writing->written != size)
                    error = tr("read %1 of %2 bytes").arg(writing->written).arg(size);
                else if (!saving || !saving->commit())
                    error = saving ? saving->errorString() : tr("cancelled");
                const qint64 written = writing->written;
                lock.unlock();
                saving.reset(); // uncommitted: the temporary file goes, target is untouched
                if (m_writing == writing)
                    m_writing.reset();
                if (error.isEmpty()) {
                    QFile::setPermissions(target, permissionsOf(mode));
                    m_progressBase += written;
                }
                done(error);
            });
}

void FilesView::saveFolder(const QString &path, const QString &directory)
{
    if (m_saving || m_state != State::Loaded)
        return;
    const QString root = QDir::cleanPath(QDir(directory).absolutePath());
    if (!QFileInfo(root).isDir()) {
        return finishSave(false, tr("Could not save %1: %2 is not a folder")
                                         .arg(path, QDir::toNativeSeparators(directory)));
    }
    const bool whole = path == u"/"_s;
    const MergedEntry *folder = whole ? nullptr : m_files.filesystem.find(path);
    if (!whole && (!folder || folder->entry.type != EntryType::Dir))
        return finishSave(false, tr("Could not save %1: not a folder of the image").arg(path));

    // Image paths are absolute and normalised: the folder keeps its name under root.
    const qsizetype base = whole ? 1 : path.lastIndexOf(u'/') + 1;
    auto save = std::make_unique<FolderSave>();
    save->root = root;
    save->shownRoot = QDir::toNativeSeparators(whole ? root : root + u'/' + path.mid(base));
    QList<const MergedEntry *> entries = m_files.filesystem.under(path);
    if (folder)
        entries.prepend(folder);
    qint64 bytes = 0;
    int skipped = 0;
    for (const MergedEntry *merged : std::as_const(entries)) {
        const QString &imagePath = merged->entry.path;
        const QString target = QDir::cleanPath(root + u'/' + imagePath.mid(base));
        if (const QString why = unsafeTarget(root, target); !why.isEmpty()) {
            save->problems.append(tr("%1: %2, skipped").arg(imagePath, why));
            continue;
        }
        switch (merged->entry.type) {
        case EntryType::Dir:
            // Parents come first (under() is sorted): each folder is made on a checked path.
            if (!QDir().mkdir(target) && !QFileInfo(target).isDir())
                save->problems.append(tr("%1: cannot make the folder").arg(imagePath));
            else
                ++save->folders;
            break;
        case EntryType::File:
        case EntryType::Hardlink: { // a hard link is saved as a copy of its file
            const Result<const MergedEntry *> file = m_files.filesystem.resolveFile(imagePath);
            if (!file) {
                save->problems.append(tr("%1: %2").arg(imagePath, file.error().message));
                break;
            }
            save->files.append({imagePath, target, (*file)->entry.size});
            bytes += (*file)->entry.size;
            break;
        }
        case EntryType::Symlink:
            save->links.append({merged->entry.link, target});
            break;
        default:
            ++skipped;
            break;
        }
    }
    if (skipped > 0)
        save->problems.append(tr("%n special file(s) (devices, pipes) skipped", nullptr, skipped));
    m_folderSave = std::move(save);
    startSaving(tr("Saving %1 …").arg(path), bytes);
    saveNextFile();
}

void FilesView::saveNextFile()
{
    FolderSave &save = *m_folderSave;
    while (!m_cancelled && save.next < save.files.size()) {
        const FolderSave::File &file = save.files.at(save.next++);
        // Checked again now: what is on disk may have changed since the plan.
        if (const QString why = unsafeTarget(save.root, file.target); !why.isEmpty()) {
            save.problems.append(tr("%1: %2, skipped").arg(file.path, why));
            continue;
        }
        const QString imagePath = file.path;
        writeImageFile(file.path, file.target, [this, imagePath](const QString &error) {
            if (!m_folderSave)
                return;
            if (error.isEmpty())
                ++m_folderSave->saved;
            else if (!m_cancelled)
                m_folderSave->problems.append(tr("%1: %2").arg(imagePath, error));
            saveNextFile();
        });
        return;
    }
    if (m_cancelled) {
        return finishSave(false, tr("Cancelled: %1 of %n file(s) saved to %2.", nullptr,
                                    int(save.files.size()))
                                         .arg(save.saved)
                                         .arg(save.shownRoot));
    }
    // Links last: no file above was written through one of them.
    int links = 0;
    for (const auto &[link, target] : std::as_const(save.links)) {
        const QString why = unsafeTarget(save.root, target);
        if (!why.isEmpty()) {
            save.problems.append(tr("%1: %2, skipped").arg(target, why));
        } else if (QFileInfo::exists(target) || QFileInfo(target).isSymLink()) {
            save.problems.append(tr("%1: exists already, link not made").arg(target));
        } else if (!QFile::link(link, target)) {
            save.problems.append(tr("%1: cannot make the link").arg(target));
        } else {
            ++links;
        }
    }
    const QString done = tr("Saved %n file(s)", nullptr, save.saved)
                         + tr(", %n folder(s)", nullptr, save.folders)
                         + tr(" and %n link(s) to %1.", nullptr, links).arg(save.shownRoot);
    if (save.problems.isEmpty())
        return finishSave(true, done);
    QStringList shown = save.problems.mid(0, 5);
    if (save.problems.size() > shown.size())
        shown.append(tr("%n more", nullptr, int(save.problems.size() - shown.size())));
    finishSave(false, done + u' ' + tr("Not saved: %1").arg(shown.join(u"; "_s)));
}

} // namespace Berth
