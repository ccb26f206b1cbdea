package dev.nova.kit.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class ShapeCacheTests {

    @Test
    void keepsTheTwoShapesUsedLastAndEvictsTheLeastRecentlyUsed() {
        ShapeCache<Object> cache = new ShapeCache<>();
        Object train = cache.get(32, 64, Object::new);
        Object last = cache.get(7, 64, Object::new);
        assertSame(train, cache.get(32, 64, Object::new), "a kept shape's buffers are reused");
        Object eval = cache.get(16, 64, Object::new);
        assertEquals(2, cache.size());
        assertSame(train, cache.get(32, 64, Object::new), "the shape used most recently stays");
        assertSame(eval, cache.get(16, 64, Object::new));
        assertNotSame(last, cache.get(7, 64, Object::new), "the least recently used shape was evicted");
        assertNotSame(cache.get(1, 2, Object::new), cache.get(2, 1, Object::new), "rows and columns are not confused");
    }
}
