// tests/helpers/layouts-go.go - Go layouts for structpad; run, it prints what the compiler made of them.
package main

import (
	"fmt"
	"io"
	"sync"
	"unsafe"
)

type Seed struct {
	A bool
	B int64
	C bool
}

type Guarded struct {
	Mu    sync.Mutex
	Count int32
	Name  string
	Items []int
	Flag  bool
}

var vSeed Seed
var vGuarded Guarded

func main() {
	// used at run time, so that the linker keeps their DWARF
	fmt.Fprint(io.Discard, &vSeed, &vGuarded)
	fmt.Printf("struct main.Seed %d\n", unsafe.Sizeof(vSeed))
	fmt.Printf("struct main.Seed A %d %d\n", unsafe.Offsetof(vSeed.A), unsafe.Sizeof(vSeed.A))
	fmt.Printf("struct main.Seed B %d %d\n", unsafe.Offsetof(vSeed.B), unsafe.Sizeof(vSeed.B))
	fmt.Printf("struct main.Seed C %d %d\n", unsafe.Offsetof(vSeed.C), unsafe.Sizeof(vSeed.C))
	fmt.Printf("struct main.Guarded %d\n", unsafe.Sizeof(vGuarded))
	fmt.Printf("struct main.Guarded Count %d %d\n", unsafe.Offsetof(vGuarded.Count), unsafe.Sizeof(vGuarded.Count))
	fmt.Printf("struct main.Guarded Name %d %d\n", unsafe.Offsetof(vGuarded.Name), unsafe.Sizeof(vGuarded.Name))
	fmt.Printf("struct main.Guarded Flag %d %d\n", unsafe.Offsetof(vGuarded.Flag), unsafe.Sizeof(vGuarded.Flag))
}
