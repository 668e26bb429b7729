//! Writes a skewed activity file and its costs for the bulk settlement benchmark:
//! about 2,000 agreements (a few large, many small), about 750 municipalities, units 0.25–8.00.
//!
//! `cargo run --release -p samvirke-settle --example gen_activity -- ROWS OUT_DIR [SEED]`
//! writes OUT_DIR/activity.csv and OUT_DIR/costs.csv.

use std::io::{BufWriter, Write};

const AGREEMENTS_N: u64 = 2_000;
const MUNICIPALITIES_N: u64 = 750;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(rows), Some(dir)) = (args.get(1).and_then(|s| s.parse::<u64>().ok()), args.get(2))
    else {
        eprintln!("usage: gen_activity ROWS OUT_DIR [SEED]");
        std::process::exit(2);
    };
    let seed = args
        .get(3)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_241_231);
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng(seed);
    let mut activity = BufWriter::with_capacity(
        1 << 20,
        std::fs::File::create(format!("{dir}/activity.csv"))?,
    );
    writeln!(activity, "agreement,municipality,date,units")?;
    let mut seen = vec![false; AGREEMENTS_N as usize];
    for _ in 0..rows {
        // Skew: the square of a uniform draw puts most rows on the low agreement numbers.
        let u = rng.below(1 << 20);
        let agreement = (u * u * AGREEMENTS_N) >> 40;
        seen[agreement as usize] = true;
        let municipality = rng.below(MUNICIPALITIES_N) + 1;
        let day = rng.below(365);
        let (month, day_of_month) = month_day(day as u32);
        let units = 25 + rng.below(776);
        writeln!(
            activity,
            "AG{agreement:05},M{municipality:04},2024-{month:02}-{day_of_month:02},{}.{:02}",
            units / 100,
            units % 100
        )?;
    }
    activity.flush()?;
    let mut costs = BufWriter::new(std::fs::File::create(format!("{dir}/costs.csv"))?);
    writeln!(costs, "agreement,cost")?;
    for (agreement, used) in seen.iter().enumerate() {
        if *used {
            let cost = rng.below(1_000_000_000_000) + 1;
            writeln!(costs, "AG{agreement:05},{}.{:02}", cost / 100, cost % 100)?;
        }
    }
    costs.flush()
}

fn month_day(day_of_year: u32) -> (u32, u32) {
    const DAYS: [u32; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut left = day_of_year;
    for (idx, days) in DAYS.iter().enumerate() {
        if left < *days {
            return (idx as u32 + 1, left + 1);
        }
        left -= days;
    }
    (12, 31)
}
