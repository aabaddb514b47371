// Go's sort.SliceStable (insertion sort over blocks of 20, then SymMerge), reproduced step for step.
// Strategic merge patch sorts list elements with a comparator that is not a strict order when an
// element is missing from the reference order (it then answers "less" for both pairs); any stable sort
// agrees with Go for well-formed patches, but only the same algorithm gives kube-apiserver's result for
// the odd ones (for example an empty `$setElementOrder` list), so the list orders match exactly.

type Less = (i: number, j: number) => boolean;

/** Sorts `items` in place; `less(i, j)` compares the elements currently at positions i and j. */
export function goStableSort<T>(items: T[], less: (a: T, b: T) => boolean): void {
  const at: Less = (i, j) => less(items[i], items[j]);
  const swap = (i: number, j: number): void => {
    const held = items[i];
    items[i] = items[j];
    items[j] = held;
  };
  const n = items.length;
  let blockSize = 20;
  let a = 0;
  let b = blockSize;
  while (b <= n) {
    insertionSort(at, swap, a, b);
    a = b;
    b += blockSize;
  }
  insertionSort(at, swap, a, n);
  while (blockSize < n) {
    a = 0;
    b = 2 * blockSize;
    while (b <= n) {
      symMerge(at, swap, a, a + blockSize, b);
      a = b;
      b += 2 * blockSize;
    }
    const middle = a + blockSize;
    if (middle < n) symMerge(at, swap, a, middle, n);
    blockSize *= 2;
  }
}

function insertionSort(less: Less, swap: (i: number, j: number) => void, a: number, b: number): void {
  for (let i = a + 1; i < b; i++) {
    for (let j = i; j > a && less(j, j - 1); j--) swap(j, j - 1);
  }
}

/** Merges the sorted runs [a, m) and [m, b) in place (Kim & Kutzner's SymMerge, as Go implements it). */
function symMerge(less: Less, swap: (i: number, j: number) => void, a: number, m: number, b: number): void {
  if (m - a === 1) {
    // Binary search for the first element of [m, b) not less than data[a], then move data[a] there.
    let i = m;
    let j = b;
    while (i < j) {
      const h = (i + j) >>> 1;
      if (less(h, a)) i = h + 1;
      else j = h;
    }
    for (let k = a; k < i - 1; k++) swap(k, k + 1);
    return;
  }
  if (b - m === 1) {
    // Binary search for the first element of [a, m) greater than data[m], then move data[m] there.
    let i = a;
    let j = m;
    while (i < j) {
      const h = (i + j) >>> 1;
      if (!less(m, h)) i = h + 1;
      else j = h;
    }
    for (let k = m; k > i; k--) swap(k, k - 1);
    return;
  }
  const mid = (a + b) >>> 1;
  const n = mid + m;
  let start: number;
  let r: number;
  if (m > mid) {
    start = n - b;
    r = mid;
  } else {
    start = a;
    r = m;
  }
  const p = n - 1;
  while (start < r) {
    const c = (start + r) >>> 1;
    if (!less(p - c, c)) start = c + 1;
    else r = c;
  }
  const end = n - start;
  if (start < m && m < end) rotate(swap, start, m, end);
  if (a < start && start < mid) symMerge(less, swap, a, start, mid);
  if (mid < end && end < b) symMerge(less, swap, mid, end, b);
}

/** Rotates [a, b) so that [m, b) comes before [a, m), by block swaps. */
function rotate(swap: (i: number, j: number) => void, a: number, m: number, b: number): void {
  let i = m - a;
  let j = b - m;
  while (i !== j) {
    if (i > j) {
      swapRange(swap, m - i, m, j);
      i -= j;
    } else {
      swapRange(swap, m - i, m + j - i, i);
      j -= i;
    }
  }
  swapRange(swap, m - i, m, i);
}

function swapRange(swap: (i: number, j: number) => void, a: number, b: number, n: number): void {
  for (let i = 0; i < n; i++) swap(a + i, b + i);
}
