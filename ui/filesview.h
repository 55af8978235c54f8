#pragma once

#include "models/files/imagefilesjob.h"

#include <QDialog>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QModelIndex;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QSplitter;
class QToolButton;
class QTreeView;

namespace Berth {

class ErrorBanner;
class FileTreeModel;
class LayerListingCache;
class RegistrySession;

//! "Browse Files…": one tag's files as the image runs them (its layers merged), non-modal. An
//! index asks for a platform first. While the layers are read: progress in bytes and Cancel.
//! Then the tree (sortable), one layer's changes, a glob, the largest files, a text preview of
//! the selected file (its first PreviewBytes), and Save As… for a file or a folder (one file
//! read at a time; a file is kept only when it was read whole and its checksum matched;
//! symbolic links are made last and never followed; nothing is written outside the folder
//! chosen). Errors show in the banner; nothing here blocks the window.
class FilesView final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FilesView)
public:
    enum class State { Loading, Loaded, Failed };
    Q_ENUM(State)
    enum class Preview { None, Loading, Text, Binary, Message, Failed };
    Q_ENUM(Preview)

    //! A text preview reads at most this much of a file: a screenful is all a look needs.
    static constexpr qint64 PreviewBytes = 1024 * 1024;

    //! registryName/repository:tag is the title; cache may be shared by other views.
    FilesView(RegistrySession *session, LayerListingCache *cache, const QString &repository,
              const QString &tag, QWidget *parent = nullptr);
    ~FilesView() override;

    State state() const { return m_state; }
    //! The image as read (valid once state() is Loaded).
    const ImageFiles &files() const { return m_files; }
    FileTreeModel *fileModel() const { return m_model; }
    QTreeView *treeView() const { return m_tree; }
    QComboBox *platformBox() const { return m_platform; }
    QComboBox *layerBox() const { return m_layers; }
    QLineEdit *globEdit() const { return m_glob; }
    QCheckBox *largestFilesBox() const { return m_largest; }
    QPushButton *saveButton() const { return m_save; }
    ErrorBanner *banner() const { return m_banner; }
    QString statusText() const;

    Preview previewState() const { return m_previewState; }
    //! The text shown for a text file; empty otherwise.
    QString previewText() const;
    //! "binary file, …", "first 1 MiB of …", or why nothing is shown.
    QString previewNote() const;

    //! Selects path in the tree (expanding its folders); a file is previewed.
    bool selectPath(const QString &path);
    //! The glob is applied this long after the last key (tests: 0).
    void setFilterInterval(int ms) { m_filterTimer.setInterval(ms); }

    //! Writes the regular file path (links followed) to target; saveFinished() follows.
    void saveFile(const QString &path, const QString &target);
    //! Writes the folder path and everything under it into directory (as directory/NAME/...).
    void saveFolder(const QString &path, const QString &directory);
    bool isSaving() const { return m_saving; }

Q_SIGNALS:
    void stateChanged(FilesView::State state);
    void previewChanged();
    //! A save ended: what it did, or why it did not.
    void saveFinished(bool ok, const QString &message);

private:
    struct FolderSave;
    struct WriteTarget;

    void createWidgets();
    QWidget *createPreviewPane();
    void load(const QString &platform);
    void onLoaded(const Result<ImageFiles> &result, const QStringList &platforms);
    void setState(State state);
    void fillLayers();
    void updateProgress();
    void cancelWork();
    void applyGlob();
    void afterViewChange();
    void onCurrentChanged(const QModelIndex &current);
    void showPreviewMessage(Preview state, const QString &text);
    void showPreviewBytes(const QByteArray &bytes, qint64 size);
    void updateSaveEnabled();
    void chooseSaveTarget();
    //! Reads path whole into a QSaveFile at target, committed only when the read succeeded
    //! (then given the file's mode); done(error text or empty) on this.
    void writeImageFile(const QString &path, const QString &target,
                        std::function<void(const QString &)> done);
    void saveNextFile();
    void finishSave(bool ok, const QString &message);
    void startSaving(const QString &text, qint64 bytesTotal);

    QPointer<RegistrySession> m_session;
    LayerListingCache *m_cache;
    QString m_repository;
    QString m_tag;
    QString m_reference; //!< "host/repo:tag"
    State m_state = State::Loading;
    ImageFiles m_files;
    QPointer<ImageFilesJob> m_job;
    QPointer<ResultJob<LayerFileRead>> m_previewJob;
    QPointer<ResultJob<LayerFileRead>> m_saveJob;
    std::shared_ptr<WriteTarget> m_writing;
    std::unique_ptr<FolderSave> m_folderSave;
    quint64 m_generation = 0;        //!< of loads: an older job's end is dropped
    quint64 m_previewGeneration = 0; //!< of previews
    bool m_saving = false;
    bool m_cancelled = false;
    Preview m_previewState = Preview::None;
    QString m_previewPath; //!< what the preview shows (or reads)
    QString m_previewNoteText;
    qint64 m_fileCount = 0; //!< regular files of the image, and their bytes
    qint64 m_fileBytes = 0;

    QComboBox *m_platform;
    QLabel *m_platformLabel;
    QComboBox *m_layers;
    QLineEdit *m_glob;
    QCheckBox *m_largest;
    ErrorBanner *m_banner;
    QProgressBar *m_progress;
    QToolButton *m_cancel;
    QSplitter *m_splitter;
    QTreeView *m_tree;
    FileTreeModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QLabel *m_previewTitle = nullptr;
    QLabel *m_previewInfo = nullptr;
    QPlainTextEdit *m_preview = nullptr;
    QLabel *m_previewNote = nullptr;
    QLabel *m_status;
    QPushButton *m_save;
    QPushButton *m_close;
    QTimer m_filterTimer;
    QTimer m_progressTimer; //!< polls the bytes read while a job runs
    qint64 m_progressBase = 0;
    qint64 m_progressTotal = 0;
};

} // namespace Berth
