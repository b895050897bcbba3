"""Safety figures of Rust code counted with tree-sitter-rust."""

from __future__ import annotations

from repowright.analyzers.rust_metrics import rust_safety

UNSAFE_CODE = """
static mut COUNT: i32 = 0;
static LIMIT: i32 = 3;
unsafe fn bump(p: *mut i32) { *p += 1; }
fn main() {
    let x = 5;
    let r = &x;
    println!("{}", *r);
    unsafe {
        COUNT += 1;
        bump(&mut COUNT as *mut i32);
        let q = &x as *const i32;
        println!("{}", *q);
    }
}
"""


def test_counts_unsafe_constructs():
    s = rust_safety(UNSAFE_CODE)
    assert (s.unsafe_blocks, s.unsafe_functions, s.functions) == (1, 1, 2)
    assert s.raw_pointer_derefs == 2  # `*p` in the unsafe fn and `*q` inside println! in the unsafe block
    assert s.static_mut_items == 1 and s.static_mut_uses == 2  # LIMIT is not mutable
    assert s.raw_pointer_types == 3


def test_safe_code_counts_nothing_unsafe():
    s = rust_safety("fn f(v: &mut Vec<i32>) -> i32 { let r = &v[0]; *r }\n")
    assert s.to_dict() | {"lines": 0, "functions": 0} == {k: 0 for k in s.to_dict()}
    assert s.functions == 1
