#include "ui/cleanupdialog.h"

#include "models/cleanup/cleanupjournal.h"
#include "models/cleanup/cleanupplanmodel.h"
#include "models/cleanup/cleanuprun.h"
#include "models/cleanup/inventoryjob.h"
#include "models/metadata/metadataservice.h"
#include "models/session/registrysession.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace Berth {

CleanupDialog::CleanupDialog(RegistrySession *session, const QString &repository, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_repository(repository)
    , m_rulesError(new QLabel(this))
    , m_summary(new QLabel(this))
    , m_filter(new QLineEdit(this))
    , m_table(new QTableView(this))
    , m_model(new CleanupPlanModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_progress(new QProgressBar(this))
    , m_run(new QPushButton(tr("Run Clean-Up…"), this))
    , m_export(new QPushButton(tr("Export Plan…"), this))
    , m_close(new QPushButton(tr("Close"), this))
{
    setObjectName(u"cleanupDialog"_s);
    setWindowTitle(
            tr("Clean Up %1")
                    .arg(session ? session->registryName() + u'/' + repository : repository));
    resize(1000, 640);

    m_rulesError->setObjectName(u"rulesError"_s);
    m_rulesError->setStyleSheet(u"color: palette(highlight);"_s);
    m_rulesError->setVisible(false);
    m_summary->setObjectName(u"cleanupSummary"_s);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(CleanupPlanModel::SortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_table->setObjectName(u"cleanupPlanView"_s);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(CleanupPlanModel::TagColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(CleanupPlanModel::TagColumn, 200);
    m_table->setColumnWidth(CleanupPlanModel::ActionColumn, 70);
    m_table->setColumnWidth(CleanupPlanModel::DigestColumn, 110);
    m_table->setColumnWidth(CleanupPlanModel::CreatedColumn, 170);
    m_table->setColumnWidth(CleanupPlanModel::PushedColumn, 170);
    m_table->setWordWrap(false);
    if (!session || !session->metadata()->hasTagExtras())
        m_table->hideColumn(CleanupPlanModel::PushedColumn);

    m_filter->setObjectName(u"cleanupFilter"_s);
    m_filter->setPlaceholderText(tr("Filter the plan (tag, action, reason)…"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy,
            &QSortFilterProxyModel::setFilterFixedString);

    m_progress->setVisible(false);
    m_run->setObjectName(u"runCleanupButton"_s);
    m_run->setEnabled(false);
    m_export->setObjectName(u"exportPlanButton"_s);
    m_export->setEnabled(false);
    connect(m_run, &QPushButton::clicked, this, &CleanupDialog::confirmRun);
    connect(m_export, &QPushButton::clicked, this, &CleanupDialog::chooseExportFile);
    connect(m_close, &QPushButton::clicked, this, &CleanupDialog::reject);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_progress, 1);
    buttons->addStretch();
    buttons->addWidget(m_export);
    buttons->addWidget(m_run);
    buttons->addWidget(m_close);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(createRulesForm());
    layout->addWidget(m_rulesError);
    layout->addWidget(m_summary);
    layout->addWidget(m_filter);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);

    m_replanTimer.setSingleShot(true);
    m_replanTimer.setInterval(150);
    connect(&m_replanTimer, &QTimer::timeout, this, &CleanupDialog::replan);
    takeStock();
}

CleanupDialog::~CleanupDialog()
{
    if (m_running)
        m_running->cancel();
    if (m_inventory)
        m_inventory->cancel();
}

QWidget *CleanupDialog::createRulesForm()
{
    auto *form = new QWidget(this);
    auto *layout = new QFormLayout(form);
    layout->setContentsMargins(0, 0, 0, 0);

    m_keepLastOn = new QCheckBox(tr("Keep the newest"), form);
    m_keepLastOn->setObjectName(u"keepLastCheck"_s);
    m_keepLastOn->setChecked(true);
    m_keepLast = new QSpinBox(form);
    m_keepLast->setObjectName(u"keepLastSpin"_s);
    m_keepLast->setRange(0, 1'000'000);
    m_keepLast->setValue(10);

    m_by = new QComboBox(form);
    m_by->setObjectName(u"byCombo"_s);
    m_by->addItem(tr("by creation time"), int(RetentionRules::Age::Created));
    if (m_session && m_session->metadata()->hasTagExtras())
        m_by->addItem(tr("by push time"), int(RetentionRules::Age::Pushed));
    auto *newest = new QHBoxLayout;
    newest->addWidget(m_keepLast);
    newest->addWidget(new QLabel(tr("tags"), form));
    newest->addWidget(m_by);
    newest->addStretch();
    layout->addRow(m_keepLastOn, newest);

    m_keep = new QLineEdit(form);
    m_keep->setObjectName(u"keepEdit"_s);
    m_keep->setPlaceholderText(tr("a regular expression on the whole tag, e.g. latest|v[0-9.]+"));
    layout->addRow(tr("Keep tags matching:"), m_keep);
    m_only = new QLineEdit(form);
    m_only->setObjectName(u"onlyEdit"_s);
    m_only->setPlaceholderText(tr("empty: every tag, e.g. build-.* or pr-[0-9]+"));
    layout->addRow(tr("Consider only tags matching:"), m_only);
    m_olderThan = new QLineEdit(form);
    m_olderThan->setObjectName(u"olderThanEdit"_s);
    m_olderThan->setPlaceholderText(tr("empty: any age, e.g. 90d, 12h, 2w"));
    layout->addRow(tr("Remove only tags older than:"), m_olderThan);
    if (m_session && m_session->metadata()->listsUntaggedImages()) {
        m_untagged = new QCheckBox(tr("Also delete untagged images (except those pushed within "
                                      "the age above, or the last hour)"),
                                   form);
        m_untagged->setObjectName(u"untaggedCheck"_s);
        layout->addRow(QString(), m_untagged);
    }

    const auto changed = [this] {
        m_replanTimer.start();
    };
    connect(m_keepLastOn, &QCheckBox::toggled, this, changed);
    connect(m_keepLastOn, &QCheckBox::toggled, m_keepLast, &QWidget::setEnabled);
    connect(m_keepLast, &QSpinBox::valueChanged, this, changed);
    connect(m_by, &QComboBox::currentIndexChanged, this, changed);
    for (QLineEdit *edit : {m_keep, m_only, m_olderThan})
        connect(edit, &QLineEdit::textChanged, this, changed);
    if (m_untagged)
        connect(m_untagged, &QCheckBox::toggled, this, changed);
    return form;
}

void CleanupDialog::takeStock()
{
    if (!m_session)
        return;
    // Everything the form can ask for, once: the rules then re-plan from it as they change.
    m_inventory = new InventoryJob(m_session->metadata(), m_repository,
                                   InventoryJob::PushTimes | InventoryJob::UntaggedImages, this);
    connect(m_inventory, &InventoryJob::progressed, this, [this] {
        if (!m_replanTimer.isActive())
            m_replanTimer.start(250);
    });
    m_stockError.clear();
    m_inventory->onFinished(this, [this](const Result<Inventory> &inventory) {
        if (inventory.ok())
            m_stock = *inventory;
        else if (inventory.error().code != ErrorCode::Cancelled)
            m_stockError = inventory.error().toString();
        replan();
    });
    replan();
}

std::optional<RetentionRules> CleanupDialog::rules(QString *error) const
{
    RetentionRules rules;
    if (m_keepLastOn->isChecked())
        rules.keepLast = m_keepLast->value();
    rules.by = RetentionRules::Age(m_by->currentData().toInt());
    if (!m_keep->text().trimmed().isEmpty()) {
        const auto keep = RetentionRules::tagPattern(m_keep->text().trimmed(), error);
        if (!keep)
            return std::nullopt;
        rules.keep.append(*keep);
    }
    if (!m_only->text().trimmed().isEmpty()) {
        rules.only = RetentionRules::tagPattern(m_only->text().trimmed(), error);
        if (!rules.only)
            return std::nullopt;
    }
    if (!m_olderThan->text().trimmed().isEmpty()) {
        const auto seconds = RetentionRules::parseDuration(m_olderThan->text());
        if (!seconds) {
            *error = tr("\"%1\" is not a duration: a number and s, m, h, d or w (90d).")
                             .arg(m_olderThan->text().trimmed());
            return std::nullopt;
        }
        rules.olderThanSeconds = *seconds;
    }
    rules.untagged = m_untagged && m_untagged->isChecked();
    return rules;
}

void CleanupDialog::replan()
{
    if (m_running)
        return; // the plan being run stays on screen
    QString error;
    const auto current = rules(&error);
    m_rulesError->setText(error);
    m_rulesError->setVisible(!current);
    if (!current) {
        m_run->setEnabled(false);
        return;
    }
    if (m_inventory)
        m_stock = m_inventory->snapshot();
    m_model->setPlan(planCleanup(m_stock, *current, QDateTime::currentDateTimeUtc()));
    updateSummary();
}

QString CleanupDialog::summaryText() const
{
    return m_summary->text();
}

void CleanupDialog::updateSummary()
{
    const CleanupPlan &plan = m_model->plan();
    const CleanupSummary &s = plan.summary;
    QString text;
    if (!m_stockError.isEmpty()) {
        text = tr("Could not read every tag: %1. Nothing can run on a partial plan.")
                       .arg(m_stockError);
    } else if (!plan.isFinal()) {
        text = tr("Reading tags: %1 of %2 known%3. The plan is final when every tag is; until "
                  "then tags still loading are kept.")
                       .arg(plan.tags.size() - s.pending)
                       .arg(plan.tags.size())
                       .arg(plan.listed ? QString() : tr(", still listing"));
    } else {
        text = tr("%n tag(s): keep %1, untag %2 (their images stay with other tags), delete %3 "
                  "with %4 image(s). Garbage collection can reclaim at most %5%6.",
                  nullptr, int(plan.tags.size()))
                       .arg(s.keep)
                       .arg(s.untag)
                       .arg(s.remove)
                       .arg(s.imagesDeleted - s.untaggedDeleted)
                       .arg(QLocale().formattedDataSize(s.bytesReclaimable))
                       .arg(s.bytesIncludeIndexes ? tr(" (indexes counted by their platforms' "
                                                       "sizes; other repositories may share "
                                                       "layers)")
                                                  : tr(" (other repositories may share layers)"));
        if (plan.rules.untagged) {
            text += u' '
                    + tr("%n untagged image(s): delete %1, keep %2.", nullptr,
                         int(plan.untagged.size()))
                              .arg(s.untaggedDeleted)
                              .arg(s.untaggedKept);
        }
    }
    if (!m_outcome.isEmpty())
        text = m_outcome + u"\n\n"_s + text;
    m_summary->setText(text);
    const bool removes = s.untag + s.remove + s.untaggedDeleted > 0;
    m_run->setEnabled(plan.isFinal() && m_stockError.isEmpty() && removes && !m_running);
    m_export->setEnabled(!plan.tags.isEmpty() || !plan.untagged.isEmpty());
}

void CleanupDialog::confirmRun()
{
    const CleanupPlan &plan = m_model->plan();
    if (!plan.isFinal())
        return;
    auto *box = new QMessageBox(this);
    box->setObjectName(u"runCleanupConfirmation"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setIcon(QMessageBox::Warning);
    box->setWindowTitle(tr("Run Clean-Up"));
    box->setText(plan.summary.untag + plan.summary.remove > 0
                         ? tr("Remove %n tag(s) from <b>%1</b>?", nullptr,
                              int(plan.summary.untag + plan.summary.remove))
                                   .arg(m_repository.toHtmlEscaped())
                         : tr("Delete %n untagged image(s) from <b>%1</b>?", nullptr,
                              plan.summary.untaggedDeleted)
                                   .arg(m_repository.toHtmlEscaped()));
    QStringList what;
    if (plan.summary.untag > 0) {
        what.append(tr("%n tag(s) untagged: their images stay with their other tags.", nullptr,
                       plan.summary.untag));
    }
    if (plan.summary.remove > 0) {
        what.append(tr("%n tag(s) deleted with their images (%1 image(s)).", nullptr,
                       plan.summary.remove)
                            .arg(plan.summary.imagesDeleted - plan.summary.untaggedDeleted));
    }
    if (plan.summary.untaggedDeleted > 0) {
        what.append(tr("%n untagged image(s) deleted (no tag points at them).", nullptr,
                       plan.summary.untaggedDeleted));
    }
    what.append(tr("Each tag is checked again right before it goes; one that moved since the "
                   "plan is left alone. Every change is journalled first: Undo Clean-Up puts it "
                   "back while the registry has not garbage-collected the images' blobs."));
    box->setInformativeText(what.join(u"\n\n"_s));
    box->setStandardButtons(QMessageBox::Yes | QMessageBox::Cancel);
    box->button(QMessageBox::Yes)->setText(tr("Run Clean-Up"));
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::finished, this, [this, box] {
        if (box->clickedButton() == box->button(QMessageBox::Yes))
            run();
    });
    box->open();
}

void CleanupDialog::run()
{
    if (!m_session || m_running)
        return;
    const CleanupPlan plan = m_model->plan();
    const QString journal = JournalWriter::defaultPath(m_session->registryName(), m_repository);
    m_running = new CleanupRun(m_session->metadata(), m_session->operations(), plan,
                               m_session->registryName(), journal, this);
    m_progress->setVisible(true);
    m_progress->setRange(0, std::max(1, m_running->removalCount()));
    m_progress->setValue(0);
    m_progress->setFormat(plan.untagged.isEmpty() ? tr("%v of %m tags") : tr("%v of %m removals"));
    m_run->setEnabled(false);
    m_close->setText(tr("Cancel"));
    setRulesEnabled(false);
    connect(m_running, &CleanupRun::progressed, this, [this] {
        if (m_running)
            m_progress->setValue(m_running->removalsDone());
    });
    m_running->onFinished(this, [this, journal](const Result<CleanupOutcome> &outcome) {
        m_progress->setVisible(false);
        m_close->setText(tr("Close"));
        setRulesEnabled(true);
        QString message;
        if (!outcome.ok()) {
            message = tr("The clean-up stopped: %1. What was done is in the journal %2.")
                              .arg(outcome.error().message, journal);
        } else {
            QStringList lines{
                    tr("Removed %n tag(s). Journal: %1", nullptr, int(outcome->removed.size()))
                            .arg(outcome->journalPath)};
            if (!outcome->removedUntagged.isEmpty()) {
                lines.append(tr("Deleted %n untagged image(s).", nullptr,
                                int(outcome->removedUntagged.size())));
            }
            for (const QString &line : outcome->skipped)
                lines.append(tr("Skipped %1").arg(line));
            for (const QString &line : outcome->failed)
                lines.append(tr("Failed %1").arg(line));
            for (const QString &line : outcome->mismatches)
                lines.append(tr("Afterwards: %1").arg(line));
            message = lines.join(u'\n');
        }
        m_outcome = message;
        m_summary->setText(message);
        Q_EMIT cleanedUp(journal, message.section(u'\n', 0, 0));
        // The repository changed: take stock again, and plan anew on what is there now.
        takeStock();
    });
}

void CleanupDialog::setRulesEnabled(bool enabled)
{
    for (QWidget *rule :
         {static_cast<QWidget *>(m_keepLastOn), static_cast<QWidget *>(m_by),
          static_cast<QWidget *>(m_keep), static_cast<QWidget *>(m_only),
          static_cast<QWidget *>(m_olderThan), static_cast<QWidget *>(m_untagged)}) {
        if (rule)
            rule->setEnabled(enabled);
    }
    m_keepLast->setEnabled(enabled && m_keepLastOn->isChecked());
}

void CleanupDialog::reject()
{
    if (m_running) {
        // Stops between steps: what was done stays done and journalled.
        m_running->cancel();
        return;
    }
    QDialog::reject();
}

bool CleanupDialog::exportPlan(const QString &path, QString *error) const
{
    const CleanupPlan &plan = m_model->plan();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = file.errorString();
        return false;
    }
    file.write(path.endsWith(u".json"_s, Qt::CaseInsensitive)
                       ? QJsonDocument(plan.toJson()).toJson(QJsonDocument::Indented)
                       : plan.toCsv());
    if (!file.commit()) {
        *error = file.errorString();
        return false;
    }
    return true;
}

void CleanupDialog::chooseExportFile()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Clean-Up Plan"),
                                                      QString(m_repository).replace(u'/', u'-')
                                                              + u"-cleanup.csv"_s,
                                                      tr("CSV (*.csv);;JSON (*.json)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportPlan(path, &error))
        QMessageBox::warning(this, tr("Export Clean-Up Plan"),
                             tr("Could not write %1: %2").arg(path, error));
}

} // namespace Berth
