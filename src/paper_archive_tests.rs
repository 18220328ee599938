//! 查询和借阅 in the small world of the view tests (西安海关's 西安综合保税区卡口 with its barrier
//! gate XA01-L01-BG01), on a clock that moves only when told.

use super::*;
use crate::views::fixture::world;
use chrono::Duration;

const SITE: &str = "西安综合保税区卡口";

fn folder(title: &str, due: &str) -> NewLoan {
    NewLoan {
        site: SITE.into(),
        device: Some("XA01-L01-BG01".into()),
        title: title.into(),
        borrower: "王新".into(),
        purpose: "改造方案核对原始图纸".into(),
        due_back: due.into(),
        lent_by: "赵档".into(),
    }
}

fn count(conn: &Connection) -> i64 {
    conn.query_row("SELECT COUNT(*) FROM paper_loan", [], |r| r.get(0))
        .expect("count")
}

#[test]
fn a_folder_lent_is_out_then_overdue_after_its_day_and_returned_once() {
    let mut w = world();
    let start = crate::checklist::schedule::local_day(w.store.now());
    let due = (start + Duration::days(9)).to_string();
    let lent = w
        .store
        .write(|tx| lend(tx, &folder("道闸竣工资料", &due)))
        .expect("lent");
    assert_eq!(
        (
            lent.state,
            lent.device_code.as_deref(),
            lent.site_name.as_str()
        ),
        (LoanState::Out, Some("XA01-L01-BG01"), SITE)
    );
    let today =
        |w: &crate::views::fixture::World| crate::checklist::schedule::local_day(w.store.now());
    w.clock.advance(Duration::days(9));
    assert_eq!(
        loans(w.store.conn(), today(&w)).expect("loans")[0].state,
        LoanState::Out,
        "due today"
    );
    w.clock.advance(Duration::days(1));
    assert_eq!(
        loans(w.store.conn(), today(&w)).expect("loans")[0].state,
        LoanState::Overdue
    );

    // The same folder cannot go out twice.
    let later = (today(&w) + Duration::days(20)).to_string();
    let again = w
        .store
        .write(|tx| lend(tx, &folder("道闸竣工资料", &later)));
    assert!(
        matches!(
            again,
            Err(Error::Refused {
                kind: "paper_loan_out",
                ..
            })
        ),
        "{again:?}"
    );

    let back = w
        .store
        .write(|tx| give_back(tx, &lent.id, "赵档"))
        .expect("back");
    assert_eq!(
        (back.state, back.received_by.as_deref()),
        (LoanState::Returned, Some("赵档"))
    );
    let twice = w.store.write(|tx| give_back(tx, &lent.id, "赵档"));
    assert!(
        matches!(
            twice,
            Err(Error::Refused {
                kind: "paper_loan_returned",
                ..
            })
        ),
        "{twice:?}"
    );
    // Back in the room, it may go out again.
    w.store
        .write(|tx| lend(tx, &folder("道闸竣工资料", &later)))
        .expect("lent again");
    let all = loans(w.store.conn(), today(&w)).expect("loans");
    assert_eq!(
        all.iter().map(|l| l.state).collect::<Vec<_>>(),
        vec![LoanState::Out, LoanState::Returned],
        "the ones out first"
    );
}

#[test]
fn each_bad_loan_is_named_and_nothing_is_stored() {
    let mut w = world();
    let start = crate::checklist::schedule::local_day(w.store.now());
    let ok = (start + Duration::days(9)).to_string();
    let yesterday = (start - Duration::days(1)).to_string();
    let cases: Vec<(NewLoan, &str)> = vec![
        (
            NewLoan {
                title: " ".into(),
                ..folder("x", &ok)
            },
            "paper_loan.title",
        ),
        (
            NewLoan {
                borrower: "".into(),
                ..folder("x", &ok)
            },
            "paper_loan.borrower",
        ),
        (
            NewLoan {
                purpose: "".into(),
                ..folder("x", &ok)
            },
            "paper_loan.purpose",
        ),
        (
            NewLoan {
                site: "没有这个站点".into(),
                ..folder("x", &ok)
            },
            "paper_loan.site",
        ),
        (
            NewLoan {
                device: Some("NO-SUCH".into()),
                ..folder("x", &ok)
            },
            "paper_loan.device",
        ),
        (folder("x", "明天"), "paper_loan.due_back"),
        (folder("x", &yesterday), "paper_loan.due_back"),
        (folder("x", "2099-01-01"), "paper_loan.due_back"),
        (
            NewLoan {
                lent_by: "".into(),
                ..folder("x", &ok)
            },
            "paper_loan.lent_by",
        ),
    ];
    for (input, field) in cases {
        let err = w.store.write(|tx| lend(tx, &input)).expect_err(field);
        assert_eq!(err.field(), Some(field), "{err}");
    }
    assert_eq!(count(w.store.conn()), 0);
    let err = w
        .store
        .write(|tx| give_back(tx, "no-such-loan", "赵档"))
        .expect_err("unknown");
    assert_eq!(err.kind(), "not_found");
}
