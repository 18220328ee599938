//! Spare stock (备品备件) as a ledger of movements.
//!
//! A quantity on hand is never stored: it is always the sum of movements into a location minus
//! those out of it. Two engineers taking parts offline therefore merge by simply adding their
//! movements; nothing is overwritten.

pub mod ledger;
pub mod minimum;
pub mod swap;

pub use ledger::*;
pub use minimum::*;
pub use swap::*;

use crate::domain::values::code_enum;

code_enum!(
    LocationKind, "location.kind" {
        Warehouse = "warehouse", "仓库", "warehouse";
        Van = "van", "车载库存", "van";
        Repair = "repair", "返厂维修", "at repair";
    }
);

code_enum!(
    PartCategory, "part.category" {
        Main = "main", "主要部件", "main part";
        Vulnerable = "vulnerable", "易损件", "vulnerable part";
        CrashProne = "crash_prone", "易撞件", "crash-prone part";
    }
);

code_enum!(
    MovementKind, "movement.kind" {
        Receive = "receive", "入库", "receive";
        Issue = "issue", "领用", "issue to work order";
        Return = "return", "退回", "return";
        Transfer = "transfer", "调拨", "transfer";
        Adjust = "adjust", "盘点调整", "count adjustment";
    }
);

code_enum!(
    PartCondition, "movement.condition" {
        New = "new", "全新", "new";
        Refurbished = "refurbished", "翻新", "refurbished";
        Faulty = "faulty", "故障件", "faulty";
    }
);
