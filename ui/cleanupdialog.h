#pragma once

#include "models/cleanup/cleanupplan.h"

#include <QDialog>
#include <QPointer>
#include <QTimer>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QTableView;

namespace Berth {

class CleanupPlanModel;
class CleanupRun;
class InventoryJob;
class RegistrySession;

//! "Clean Up…": the retention rules of `berth cleanup` as a form, the plan for every tag of the
//! repository as a live table (sortable and filterable; it fills in while the tags' metadata
//! arrives, and can run only once it is final), the totals, export of the plan, and the run with
//! progress and Cancel. A run is journalled (models/cleanup/cleanuprun.h); cleanedUp() hands the
//! journal to the window for "Undo Clean-Up".
class CleanupDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CleanupDialog)
public:
    //! repository as the backend knows it ("team/app").
    CleanupDialog(RegistrySession *session, const QString &repository, QWidget *parent = nullptr);
    ~CleanupDialog() override;

    CleanupPlanModel *planModel() const { return m_model; }
    QPushButton *runButton() const { return m_run; }
    QString summaryText() const;
    //! Exports the current plan to path (.json: JSON, otherwise CSV); false with a message.
    bool exportPlan(const QString &path, QString *error) const;

Q_SIGNALS:
    //! A run ended (also partly): its journal, and what it did in a sentence.
    void cleanedUp(const QString &journalPath, const QString &message);

protected:
    void reject() override;

private:
    QWidget *createRulesForm();
    void takeStock();
    void replan();
    //! The rules as the form says; nullopt with the reason when a field is invalid.
    std::optional<RetentionRules> rules(QString *error) const;
    void updateSummary();
    void confirmRun();
    void run();
    //! The rules form, locked while a plan runs (the plan on screen is the one running).
    void setRulesEnabled(bool enabled);
    void chooseExportFile();

    QPointer<RegistrySession> m_session;
    QString m_repository;
    QCheckBox *m_keepLastOn;
    QSpinBox *m_keepLast;
    QComboBox *m_by;
    QLineEdit *m_keep;
    QLineEdit *m_only;
    QLineEdit *m_olderThan;
    QCheckBox *m_untagged = nullptr; //!< only where the backend lists untagged images
    QLabel *m_rulesError;
    QLabel *m_summary;
    QLineEdit *m_filter;
    QTableView *m_table;
    CleanupPlanModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QProgressBar *m_progress;
    QPushButton *m_run;
    QPushButton *m_export;
    QPushButton *m_close;
    QPointer<InventoryJob> m_inventory;
    //! What the last inventory knew (the job goes when it finishes).
    Inventory m_stock;
    QPointer<CleanupRun> m_running;
    QString m_stockError;
    QString m_outcome;
    //! Coalesces re-planning: the inventory reports every tag, the form every key.
    QTimer m_replanTimer;
};

} // namespace Berth
