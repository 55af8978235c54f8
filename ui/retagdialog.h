#pragma once

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace Berth {

//! Asks for the new tag (validated live against the tag grammar) and an optional target
//! repository (validated as a repository path; empty = the same repository).
class RetagDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RetagDialog)
public:
    RetagDialog(const QString &sourceReference, const QString &repository,
                QWidget *parent = nullptr);

    QString newTag() const;
    //! Empty when the tag goes into the source's repository.
    QString targetRepository() const;
    //! Why the input cannot be accepted yet; empty when it can.
    QString problem() const;

    QLineEdit *tagEdit() const { return m_tag; }
    QLineEdit *repositoryEdit() const { return m_repository; }

private:
    void validate();

    QString m_sourceRepository;
    QLineEdit *m_tag;
    QLineEdit *m_repository;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
};

} // namespace Berth
