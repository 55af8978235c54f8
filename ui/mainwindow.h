#pragma once

#include "net/core/error.h"
#include "ui/preferences.h"

#include <QDateTime>
#include <QMainWindow>
#include <QPointer>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QSplitter;
class QStackedWidget;
class QTimer;
class QToolButton;

namespace Berth {

class DetailsPane;
class CleanupDialog;
class CompareDialog;
class ExportReportDialog;
class ErrorBanner;
class FilesView;
class CacheDialog;
class HelpMenu;
class PreferencesDialog;
class LayerListingCache;
class MetadataCache;
class RegistrySession;
class RegistryBackend;
class TagActions;
class TagFilterProxyModel;
class TagTableModel;
class TagTableView;

//! The Berth window: navigator (repository browser) on the left, the tag table in the centre
//! with its filter field, error banner and status line, the details of the selected tag on the
//! right, each in a splitter. Knows nothing of connections: the composition root opens a
//! session and hands its metadata service to showRepository(). Errors stay non-modal.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    //! The left pane (the repository browser); the window takes ownership.
    void setNavigator(QWidget *navigator);
    //! The disk cache File ▸ Disk Cache… shows (the app owns it); null hides nothing, the
    //! dialog then shows an unusable cache.
    void setMetadataCache(MetadataCache *cache);
    //! The values the Preferences dialog starts from (the app loads them from its settings).
    void setPreferences(const Preferences &preferences) { m_preferences = preferences; }
    const Preferences &preferences() const { return m_preferences; }
    QWidget *navigator() const { return m_navigator; }

    //! Shows repository of an open session (service->backend() is the registry).
    void showRepository(const QString &connectionId, RegistrySession *session,
                        const QString &repository);
    //! A connection is being opened for repository (spinner text until showRepository()).
    void showOpening(const QString &connectionId, const QString &repository);
    //! Opening failed: the banner says why, Retry emits openRequested().
    void showOpenFailed(const QString &connectionId, const QString &repository, const Error &error);

    QString connectionId() const { return m_connectionId; }
    //! The session shown (null when none is open).
    RegistrySession *session() const;
    QString repository() const { return m_repository; }
    //! "1,200 of 100,000 tags · metadata 40/40 · 3 requests in flight"
    QString statusText() const;
    //! "Offline — last seen 3 hours ago …" while the registry cannot be reached (the table
    //! shows the disk cache's last known state, or what was loaded before); else empty.
    QString offlineText() const;
    //! The strip that says so, with "Retry now".
    ErrorBanner *offlineBanner() const { return m_offlineBanner; }

    TagTableModel *tagModel() const { return m_model; }
    TagFilterProxyModel *proxyModel() const { return m_proxy; }
    TagTableView *tagView() const { return m_view; }
    DetailsPane *detailsPane() const { return m_details; }
    TagActions *tagActions() const { return m_actions; }
    ErrorBanner *errorBanner() const { return m_banner; }
    QLineEdit *filterEdit() const { return m_filter; }
    QComboBox *filterSyntaxBox() const { return m_filterSyntax; }
    QProgressBar *progressBar() const { return m_progress; }
    QLabel *progressText() const { return m_progressText; } //!< "Metadata 4,991 / 5,000"
    QToolButton *cancelButton() const { return m_cancel; }
    //! "Waiting 12 s for GET host/v2/…" or "Retrying … in 40 s": a request a person may be
    //! waiting for (after WaitShownAfterMs), with Cancel; empty when none.
    QString waitingText() const;
    QToolButton *cancelWaitingButton() const { return m_cancelWaiting; }
    static constexpr int WaitShownAfterMs = 5000;
    QSplitter *splitter() const { return m_splitter; }
    //! "Export report…" (Ctrl+E): the whole repository with the table's filter and sort.
    QAction *exportAction() const { return m_exportAction; }

    //! Opens the (non-modal) export dialog for the open repository: the whole repository when
    //! tags is empty, else those tags; filter and sort preset from the table. Null when no
    //! repository is open.
    ExportReportDialog *openExportDialog(const QStringList &tags = {});
    //! "Clean Up…": the retention plan of the open repository (non-modal). Null when no
    //! repository is open.
    CleanupDialog *openCleanupDialog();
    //! The same for repository, which must be the open one (a context menu names a repository;
    //! the clean-up must never act on another): otherwise the banner says to open it first.
    CleanupDialog *openCleanupDialogFor(const QString &connectionId, const QString &repository);
    //! "Undo Clean-Up…": puts back what the journal at path removed, after a confirmation that
    //! says what can be restored (a dry run against the registry).
    void undoCleanup(const QString &path);
    QAction *cleanupAction() const { return m_cleanupAction; }
    QAction *undoCleanupAction() const { return m_undoCleanupAction; }
    //! The journal of this window's last clean-up; empty when none ran.
    QString lastJournal() const { return m_lastJournal; }

    //! "Browse Files…": the (non-modal) files view of tag of the open repository; null when no
    //! repository is open.
    FilesView *openFilesView(const QString &tag);
    //! "Compare…": tags[0] against tags[1], or against a reference the person types when one
    //! tag is given. Null when no repository is open.
    CompareDialog *openCompareDialog(const QStringList &tags);
    //! File ▸ Disk Cache…: location, size, counts, Clear, the size cap.
    CacheDialog *openCacheDialog();
    //! File ▸ Preferences…: on OK applies the cache cap and emits what changed.
    PreferencesDialog *openPreferencesDialog();
    HelpMenu *helpMenu() const { return m_helpMenu; }
    //! A session opened elsewhere (the navigator) that Compare… may use for its registry; the
    //! window remembers every session it showed by itself.
    void addSession(RegistrySession *session);
    //! The open session for a registry as people write it ("127.0.0.1:5000"), or null.
    RegistrySession *sessionFor(const QString &registryName) const;

    //! Coalescing intervals of the model, proxy and view; tests use 0.
    void setIntervals(int ms);

    //! Window geometry, splitter and header state from QSettings (group "window").
    void restoreLayout();
    void saveLayout() const;

Q_SIGNALS:
    //! Retry of a failed open (banner) or a refresh while nothing is open.
    void openRequested(const QString &connectionId, const QString &repository);
    //! The window shows another repository (to remember the last location).
    void locationChanged(const QString &connectionId, const QString &repository);
    //! The person set the disk cache's size cap (already applied; the app keeps it).
    void cacheMaxBytesChanged(qint64 bytes);
    //! The person changed preferences in the dialog (the app saves and applies them).
    void preferencesChanged(const Berth::Preferences &preferences);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    // The constructor's parts, called once each in this order.
    void setUpCentreWidgets();
    void createCentralWidget();
    void createStatusBar();
    void createActions();
    void createMenus();
    void connectModels();
    void connectControls();
    void buildColumnMenu(QMenu *menu);
    void applyFilter();
    void refresh();
    void scheduleStatus();
    void updateStatus();
    void updateWaiting();
    void setProgressVisible(bool visible); //!< the bar and its figures together
    void updateProgress(int done, int total);
    void onFetchFailed(const Error &error);
    void onPageFetched();
    void onSessionOfflineChanged(bool offline);
    //! The offline strip, its countdown and what may be done while offline.
    void updateOffline();
    bool isOfflineView() const;
    //! The selected tags and the current one, to select again once the rows are back.
    void keepSelection();
    void restoreSelection();
    void onBannerRetry();
    void onCurrentTagChanged(const QString &tag);
    void showHeaderMenu(const QPoint &pos);
    void showTagMenu(const QPoint &globalPos);
    QString registryName() const;

    QPointer<RegistrySession> m_session;
    QList<QPointer<RegistrySession>> m_sessions; //!< every session seen, for Compare…
    //! Layer listings on disk, shared by the files views and comparisons of this window.
    std::unique_ptr<LayerListingCache> m_layerCache;
    QPointer<MetadataCache> m_metadataCache;
    Preferences m_preferences;
    HelpMenu *m_helpMenu = nullptr;
    QString m_connectionId;
    QString m_repository;
    enum class BannerSource { None, Open, Listing, Action };
    BannerSource m_bannerSource = BannerSource::None;

    TagTableModel *m_model;
    TagFilterProxyModel *m_proxy;
    QSplitter *m_splitter;
    QWidget *m_navigator = nullptr;
    QLabel *m_location;
    QLineEdit *m_filter;
    QComboBox *m_filterSyntax;
    ErrorBanner *m_banner;
    ErrorBanner *m_offlineBanner;
    QTimer *m_offlineTimer; //!< the countdown to the next attempt, once a second while offline
    QDateTime m_lastSeen;   //!< of the shown repository, read when it went offline
    bool m_lastSeenKnown = false;
    QStringList m_keptSelection;
    QString m_keptCurrent;
    TagTableView *m_view;
    DetailsPane *m_details;
    TagActions *m_actions;
    QLabel *m_status;
    QLabel *m_busy;
    QProgressBar *m_progress;
    QLabel *m_progressText;
    QToolButton *m_cancel;
    QLabel *m_waiting;
    QToolButton *m_cancelWaiting;
    QTimer *m_waitingTimer; //!< once a second while a repository is shown
    QTimer *m_statusTimer;
    QAction *m_findAction = nullptr;
    QAction *m_detailsAction = nullptr;
    QAction *m_exportAction = nullptr;
    QAction *m_cleanupAction = nullptr;
    QAction *m_undoCleanupAction = nullptr;
    QString m_lastJournal;
    QMenu *m_columnsMenu = nullptr;
};

} // namespace Berth
