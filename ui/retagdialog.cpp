#include "ui/retagdialog.h"

#include "net/core/imagereference.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace Berth {

RetagDialog::RetagDialog(const QString &sourceReference, const QString &repository, QWidget *parent)
    : QDialog(parent)
    , m_sourceRepository(repository)
    , m_tag(new QLineEdit(this))
    , m_repository(new QLineEdit(this))
    , m_problem(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(u"retagDialog"_s);
    setWindowTitle(tr("Retag"));
    auto *source = new QLabel(u"<code>"_s + sourceReference.toHtmlEscaped() + u"</code>"_s, this);
    source->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_tag->setPlaceholderText(tr("e.g. 1.4.2 or stable"));
    m_tag->setMaxLength(128);
    m_repository->setPlaceholderText(repository);
    m_repository->setToolTip(tr("Leave empty to tag within %1. Another repository of the same "
                                "registry gets the image's blobs mounted first.")
                                     .arg(repository));
    m_problem->setWordWrap(true);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Add tag"));

    auto *form = new QFormLayout;
    form->addRow(tr("Source:"), source);
    form->addRow(tr("New &tag:"), m_tag);
    form->addRow(tr("In &repository:"), m_repository);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);

    connect(m_tag, &QLineEdit::textChanged, this, &RetagDialog::validate);
    connect(m_repository, &QLineEdit::textChanged, this, &RetagDialog::validate);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (problem().isEmpty())
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    validate();
    // Wide enough for a full reference without wrapping at typical lengths.
    resize(std::max(sizeHint().width(), 460), sizeHint().height());
}

QString RetagDialog::newTag() const
{
    return m_tag->text().trimmed();
}

QString RetagDialog::targetRepository() const
{
    const QString text = m_repository->text().trimmed();
    return text == m_sourceRepository ? QString() : text;
}

QString RetagDialog::problem() const
{
    const QString tag = newTag();
    if (tag.isEmpty())
        return tr("Enter the new tag.");
    if (!ImageReference::isValidTag(tag))
        return tr("A tag is 1 to 128 letters, digits, '_', '.' or '-', and does not start with "
                  "'.' or '-'.");
    const QString repository = m_repository->text().trimmed();
    if (!repository.isEmpty() && !ImageReference::isValidRepositoryPath(repository))
        return tr("A repository path is lowercase components like team-a/api, separated by '/'.");
    return {};
}

void RetagDialog::validate()
{
    const QString text = problem();
    const bool empty = newTag().isEmpty();
    // An empty field is not an error yet: say what to do without alarming colours.
    m_problem->setText(text);
    QPalette p = m_problem->palette();
    p.setColor(QPalette::WindowText,
               empty ? palette().color(QPalette::PlaceholderText) : QColor(0xd0, 0x46, 0x3b));
    m_problem->setPalette(p);
    m_problem->setVisible(!text.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(text.isEmpty());
}

} // namespace Berth
