#pragma once

#include "models/files/imagecomparison.h"
#include "models/files/imagefilesjob.h"

#include <QDialog>
#include <QPointer>
#include <QTimer>

#include <functional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;
class QTableWidget;
class QToolButton;

namespace Berth {

class ErrorBanner;
class FileChangesModel;
class LayerListingCache;
class RegistrySession;

//! "Compare…": tag A of the open repository against B (another selected tag, or any reference
//! typed as host/repo:tag, repo:tag or a tag of the same repository; another registry must have
//! an open session). An index asks for a platform on its side. Shows the config side by side
//! (differing fields highlighted), the layers (shared, only in A, only in B), the size
//! difference, and on request the files added, removed and changed (both images' layers read).
//! Non-modal; errors in the banner.
class CompareDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CompareDialog)
public:
    //! The open session for a registry as people write it ("127.0.0.1:5000"), or null.
    using SessionLookup = std::function<RegistrySession *(const QString &registryName)>;
    enum class State { Idle, Loading, Compared, Failed };
    Q_ENUM(State)
    enum Side { A, B };
    //! Item data of the config table's cells: true on the rows whose values differ.
    static constexpr int DiffersRole = Qt::UserRole + 1;

    //! tags: one or two tags of repository (the second is B); sessions finds other registries.
    CompareDialog(RegistrySession *session, LayerListingCache *cache, SessionLookup sessions,
                  const QString &repository, const QStringList &tags, QWidget *parent = nullptr);
    ~CompareDialog() override;

    State state() const { return m_state; }
    State filesState() const { return m_filesState; }
    const ImageComparison &comparison() const { return m_comparison; }
    QString referenceA() const { return m_referenceA; }
    QLineEdit *referenceEdit() const { return m_referenceB; }
    QComboBox *platformBox(Side side) const { return m_sides[side].platform; }
    QTableWidget *configTable() const { return m_config; }
    QTableWidget *layersTable() const { return m_layers; }
    QTableView *filesTable() const { return m_files; }
    QTabWidget *tabs() const { return m_tabs; }
    QPushButton *compareButton() const { return m_compare; }
    QPushButton *compareFilesButton() const { return m_compareFiles; }
    ErrorBanner *banner() const { return m_banner; }
    QString summaryText() const;

    //! Compares A with the reference in the line edit (what Compare does).
    void compare();
    //! Reads both images' layers and lists the paths that differ (what Compare Files does).
    void compareFiles();

Q_SIGNALS:
    void stateChanged(CompareDialog::State state);
    void filesStateChanged(CompareDialog::State state);

private:
    struct SideState
    {
        QPointer<RegistrySession> session;
        QString repository;
        QString reference; //!< tag or digest
        QString label;     //!< "host/repo:tag"
        QComboBox *platform = nullptr;
        QLabel *platformLabel = nullptr;
        QPointer<ImageFilesJob> job;
        ImageFiles files;
        bool done = false;
    };

    void createWidgets();
    QWidget *createFilesTab();
    //! Where B's text points: its session, repository and reference; false with a message.
    bool resolveB(QString *error);
    void loadSide(Side side, ImageFilesJob::Depth depth);
    void sideLoaded(Side side, ImageFilesJob::Depth depth, const Result<ImageFiles> &result,
                    const QStringList &platforms);
    void showComparison();
    void showFileChanges();
    void fail(const QString &message);
    void setState(State state);
    void setFilesState(State state);
    void updateProgress();
    void cancelFiles();

    QPointer<RegistrySession> m_session;
    LayerListingCache *m_cache;
    SessionLookup m_lookup;
    QString m_repository;
    QString m_referenceA;
    SideState m_sides[2];
    quint64 m_generation = 0; //!< of comparisons: an older job's end is dropped
    State m_state = State::Idle;
    State m_filesState = State::Idle;
    ImageComparison m_comparison;

    QLabel *m_labelA;
    QLineEdit *m_referenceB;
    QPushButton *m_compare;
    ErrorBanner *m_banner;
    QLabel *m_summary;
    QTabWidget *m_tabs;
    QCheckBox *m_onlyDifferences;
    QTableWidget *m_config;
    QTableWidget *m_layers;
    QPushButton *m_compareFiles;
    QProgressBar *m_progress;
    QToolButton *m_cancel;
    QLabel *m_filesSummary;
    QLineEdit *m_filesFilter;
    QTableView *m_files;
    FileChangesModel *m_changes;
    QSortFilterProxyModel *m_changesProxy;
    QTimer m_progressTimer;
};

} // namespace Berth
