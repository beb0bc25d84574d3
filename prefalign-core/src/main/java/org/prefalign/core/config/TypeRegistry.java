package org.prefalign.core.config;

import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The factories of one kind of component ("objective", "feedback"), by type name: what turns a
 * {@link JsonConfig} into the component its {@code type} names.
 *
 * @param <C> the config the factories read
 * @param <T> what they build
 */
public final class TypeRegistry<C extends JsonConfig, T> {

    private final String kind;
    private final Map<String, Function<C, ? extends T>> factories = new TreeMap<>();

    /** An empty registry; {@code kind} names the component in messages. */
    public TypeRegistry(String kind) {
        this.kind = kind;
    }

    /**
     * A registry filled by the catalogs {@link ServiceLoader} finds for {@code catalogType}:
     * {@code register} hands each catalog the registry's {@code add}. A type registered twice is
     * an error naming the second catalog.
     */
    public static <S, C extends JsonConfig, T> TypeRegistry<C, T> load(String kind, Class<S> catalogType,
            BiConsumer<S, BiConsumer<String, Function<C, ? extends T>>> register) {
        TypeRegistry<C, T> registry = new TypeRegistry<>(kind);
        for (S catalog : ServiceLoader.load(catalogType, catalogType.getClassLoader())) {
            register.accept(catalog, (type, factory) -> registry.add(type, factory, " (again by " + catalog.getClass().getName() + ")"));
        }
        return registry;
    }

    /** Registers {@code type}; the factory reads and validates its parameters from the config. */
    public TypeRegistry<C, T> add(String type, Function<C, ? extends T> factory) {
        return add(type, factory, "");
    }

    private TypeRegistry<C, T> add(String type, Function<C, ? extends T> factory, String by) {
        if (factories.putIfAbsent(type, factory) != null) {
            throw new IllegalStateException(kind + " type '" + type + "' is registered twice" + by);
        }
        return this;
    }

    /**
     * Builds the component {@code config.type()} names; an unknown type is an error listing the
     * known ones. Checking for unread parameters is the caller's.
     */
    public T build(C config) {
        Function<C, ? extends T> f = factories.get(config.type());
        if (f == null) {
            throw new IllegalArgumentException(kind + ": unknown type '" + config.type() + "'; known types are " + types());
        }
        return f.apply(config);
    }

    /** Every registered type name, sorted. */
    public Set<String> types() {
        return Collections.unmodifiableSet(factories.keySet());
    }
}
