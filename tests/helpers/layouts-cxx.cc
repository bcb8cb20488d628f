// tests/helpers/layouts-cxx.cc - C++ layouts for structpad: base classes, a vtable pointer, static members; run, it prints the compiler's numbers.
#include <atomic>
#include <cstddef>
#include <cstdio>

struct Base {
	long	 id;
	char	 flag;
};

class Shape {
public:
	virtual ~Shape() {}
	virtual double area() const { return 0; }
	static int count;	// not in the layout
	char	 kind;
	double	 scale;
};
int Shape::count;

struct Derived : Base {
	int	 extra;
	static const int limit = 4;
};

struct Hot {
	std::atomic<long> a;
	std::atomic<long> b;
	char	 name[8];
};

Shape v_shape;
Derived v_derived;
Hot v_hot;

int
main()
{
	std::printf("class Shape %zu\n", sizeof(Shape));
	std::printf("class Shape kind %zu %zu\n", offsetof(Shape, kind),
	    sizeof(v_shape.kind));
	std::printf("class Shape scale %zu %zu\n", offsetof(Shape, scale),
	    sizeof(v_shape.scale));
	std::printf("struct Derived %zu\n", sizeof(Derived));
	std::printf("struct Derived extra %zu %zu\n", offsetof(Derived, extra),
	    sizeof(v_derived.extra));
	std::printf("struct Hot %zu\n", sizeof(Hot));
	std::printf("struct Hot b %zu %zu\n", offsetof(Hot, b), sizeof(v_hot.b));
	return 0;
}
