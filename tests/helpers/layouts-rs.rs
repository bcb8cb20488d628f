// tests/helpers/layouts-rs.rs - Rust layouts for structpad; run, it prints what the compiler made of them.
//
// Each line is "struct NAME SIZE" or "struct NAME MEMBER OFFSET SIZE", the
// form of tests/helpers/layouts.c, with NAME the type's Rust path and the
// offsets taken from raw pointers (rustc 1.63 has no offset_of!).
use std::marker::PhantomData;
use std::mem::size_of_val;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

// The seed example, in C's layout: a 7-byte hole and 7 bytes of padding.
#[repr(C)]
pub struct CSeed {
    a: bool,
    b: i64,
    c: bool,
}

// The same fields in Rust's layout: rustc reorders them (b, c, a) and the
// DWARF lists them in the order of the source, not of the offsets.
pub struct Reordered {
    a: bool,
    b: i64,
    c: bool,
    d: u16,
}

// A C layout with a hole before a u64, and an Option and a tuple in it.
#[repr(C)]
pub struct Holed {
    id: u8,
    maybe: Option<u32>,
    pair: (u8, u16),
    total: u64,
    tail: u8,
}

// A zero-sized field beside others (rustc puts it at some field's offset).
pub struct Marked {
    n: u32,
    _unit: PhantomData<u64>,
    big: u64,
    tail: (),
}

// A fn item is zero-sized: rustc's DWARF has it as a pointer with a
// bit size of 0.
pub struct Mapper<F> {
    count: u64,
    f: F,
}

fn double(x: u64) -> u64 {
    x * 2
}

// An enum with data: a DW_TAG_variant_part in the DWARF.
pub enum Shape {
    Circle(f64),
    Rect { w: u32, h: u32 },
    Empty,
}

// A field of enum type beside others, in Rust's layout.
pub struct Drawing {
    visible: bool,
    shape: Shape,
    layer: u16,
}

// Two atomics on one cache line, and a lock.
#[repr(C)]
pub struct Counters {
    reads: AtomicU64,
    tag: u8,
    writes: AtomicU64,
    lock: Mutex<u32>,
}

// Enums whose discriminant is a niche in the data (a null reference, a
// bool's spare values): no tag of their own.
pub struct Niche {
    r: Option<&'static u64>,
    b: Option<bool>,
}

static FIVE: u64 = 5;

// A generic struct: its DWARF name is Pair<u8, u64>.
#[repr(C)]
pub struct Pair<A, B> {
    first: A,
    second: B,
}

macro_rules! show {
    ($v:expr, $t:ty, $($f:ident),*) => {{
        let v: &$t = &$v;
        let base = v as *const $t as usize;
        println!("struct {} {}", std::any::type_name::<$t>(), size_of_val(v));
        $(println!("struct {} {} {} {}", std::any::type_name::<$t>(),
            stringify!($f), &v.$f as *const _ as usize - base,
            size_of_val(&v.$f));)*
    }};
}

// Its DWARF names F as the pointer type, fn(u64) -> u64, where type_name
// says layouts_rs::double: the name is given, the numbers are measured.
fn show_mapper<F: Fn(u64) -> u64>(m: &Mapper<F>) {
    let name = "layouts_rs::Mapper<fn(u64) -> u64>";
    let base = m as *const Mapper<F> as usize;
    println!("struct {} {}", name, size_of_val(m));
    println!("struct {} count {} {}", name,
        &m.count as *const u64 as usize - base, size_of_val(&m.count));
    println!("struct {} f {} {}", name,
        &m.f as *const F as usize - base, size_of_val(&m.f));
}

fn main() {
    let seed = CSeed { a: true, b: 1, c: false };
    let re = Reordered { a: true, b: 2, c: false, d: 3 };
    let holed = Holed { id: 1, maybe: Some(4), pair: (1, 2), total: 5, tail: 6 };
    let drawing = Drawing { visible: true, shape: Shape::Rect { w: 1, h: 2 }, layer: 7 };
    let counters = Counters { reads: AtomicU64::new(0), tag: 0,
        writes: AtomicU64::new(0), lock: Mutex::new(0) };
    let marked = Marked { n: 1, _unit: PhantomData, big: 2, tail: () };
    let mapper = Mapper { count: 3, f: double };
    let pair: Pair<u8, u64> = Pair { first: 1, second: 2 };
    let shapes = [Shape::Circle(1.0), Shape::Empty];
    let niche = Niche { r: Some(&FIVE), b: Some(true) };

    counters.reads.fetch_add(1, Ordering::Relaxed);
    show!(seed, CSeed, a, b, c);
    show!(re, Reordered, a, b, c, d);
    show!(holed, Holed, id, maybe, pair, total, tail);
    show!(drawing, Drawing, visible, shape, layer);
    show!(counters, Counters, reads, tag, writes, lock);
    show!(pair, Pair<u8, u64>, first, second);
    show!(marked, Marked, n, _unit, big, tail);
    show_mapper(&mapper);
    show!(niche, Niche, r, b);
    // an enum with data is a union of its variants to structpad, each
    // variant a struct of the enum's size; a field's offset in it is its
    // offset from the start of the enum
    let shape = std::any::type_name::<Shape>();
    println!("union {} {}", shape, size_of_val(&shapes[0]));
    for s in shapes.iter().chain(std::iter::once(&drawing.shape)) {
        let base = s as *const Shape as usize;
        match s {
            Shape::Circle(r) => {
                println!("struct {}::Circle {}", shape, size_of_val(s));
                println!("struct {}::Circle __0 {} {}", shape,
                    r as *const f64 as usize - base, size_of_val(r));
            }
            Shape::Rect { w, h } => {
                println!("struct {}::Rect {}", shape, size_of_val(s));
                println!("struct {}::Rect w {} {}", shape,
                    w as *const u32 as usize - base, size_of_val(w));
                println!("struct {}::Rect h {} {}", shape,
                    h as *const u32 as usize - base, size_of_val(h));
            }
            Shape::Empty => println!("struct {}::Empty {}", shape, size_of_val(s)),
        }
    }
    if let (Some(r), Some(b)) = (&niche.r, &niche.b) {
        let t = std::any::type_name::<Option<&u64>>();
        println!("struct {}::Some __0 {} {}", t,
            r as *const &u64 as usize - &niche.r as *const _ as usize, size_of_val(r));
        let t = std::any::type_name::<Option<bool>>();
        println!("struct {}::Some __0 {} {}", t,
            b as *const bool as usize - &niche.b as *const _ as usize, size_of_val(b));
    }
    // used, so that rustc keeps them (and their DWARF)
    let used = seed.a as u64 + seed.b as u64 + seed.c as u64 + re.a as u64 +
        re.b as u64 + re.c as u64 + re.d as u64 + holed.id as u64 +
        holed.maybe.unwrap_or(0) as u64 + holed.pair.0 as u64 +
        holed.pair.1 as u64 + holed.total + holed.tail as u64 +
        drawing.visible as u64 + drawing.layer as u64 + counters.tag as u64 +
        *counters.lock.lock().unwrap() as u64 + pair.first as u64 + pair.second +
        counters.writes.load(Ordering::Relaxed) + **niche.r.as_ref().unwrap() +
        niche.b.unwrap() as u64 + marked.n as u64 + marked.big +
        (mapper.f)(mapper.count) +
        shapes.iter().chain(std::iter::once(&drawing.shape)).map(|s| match s {
            Shape::Circle(r) => *r as u64,
            Shape::Rect { w, h } => (*w + *h) as u64,
            Shape::Empty => 0,
        }).sum::<u64>();
    if std::env::args().count() > 1 {
        println!("{}", used);
    }
}
