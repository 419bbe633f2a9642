package dev.devassist.rag.chunking;

/**
 * Realistic source files, one or two per language, for the tests that check what must
 * hold of every file.
 */
final class Samples {

	static final String JAVA_SERVICE = """
			/*
			 * Copyright 2025 the DevAssist authors.
			 */
			package com.example.orders;

			import java.math.BigDecimal;
			import java.time.Clock;
			import java.time.Instant;
			import java.util.ArrayList;
			import java.util.List;
			import java.util.Map;
			import java.util.Optional;
			import java.util.concurrent.ConcurrentHashMap;

			/**
			 * Keeps orders in memory and works out their totals.
			 * <p>
			 * Prices are in the shop's currency; discounts apply before tax.
			 */
			public class OrderService {

				private static final BigDecimal TAX_RATE = new BigDecimal("0.20");

				private final Map<String, Order> orders = new ConcurrentHashMap<>();

				private final Clock clock;

				public OrderService(Clock clock) {
					this.clock = clock;
				}

				/**
				 * Places an order for the given lines.
				 * @param customer who orders
				 * @param lines what is ordered
				 * @return the new order
				 */
				public Order place(String customer, List<Line> lines) {
					if (lines.isEmpty()) {
						throw new IllegalArgumentException("An order needs at least one line");
					}
					Order order = new Order(customer + "-" + this.orders.size(), customer, List.copyOf(lines),
							Instant.now(this.clock), Status.OPEN);
					this.orders.put(order.id(), order);
					return order;
				}

				public Optional<Order> find(String id) {
					return Optional.ofNullable(this.orders.get(id));
				}

				@Deprecated
				public List<Order> openOrders() {
					List<Order> open = new ArrayList<>();
					for (Order order : this.orders.values()) {
						if (order.status() == Status.OPEN) {
							open.add(order);
						}
					}
					return open;
				}

				public BigDecimal total(Order order, BigDecimal discount) {
					BigDecimal net = BigDecimal.ZERO;
					for (Line line : order.lines()) {
						net = net.add(line.price().multiply(BigDecimal.valueOf(line.quantity())));
					}
					BigDecimal discounted = net.subtract(net.multiply(discount));
					BigDecimal tax = discounted.multiply(TAX_RATE);
					return discounted.add(tax).setScale(2, java.math.RoundingMode.HALF_UP);
				}

				public void cancel(String id) {
					this.orders.computeIfPresent(id, (key, order) -> order.withStatus(Status.CANCELLED));
				}

				/**
				 * An order as placed.
				 */
				public record Order(String id, String customer, List<Line> lines, Instant placedAt, Status status) {

					Order withStatus(Status status) {
						return new Order(this.id, this.customer, this.lines, this.placedAt, status);
					}

				}

				public record Line(String sku, int quantity, BigDecimal price) {
				}

				public enum Status {

					OPEN, PAID, SHIPPED, CANCELLED;

					boolean isFinal() {
						return this == SHIPPED || this == CANCELLED;
					}

				}

			}
			""";

	static final String JAVA_LIMITER = """
			package com.example.limits;

			import java.time.Duration;
			import java.util.function.LongSupplier;

			/** Decides whether a caller may go ahead now. */
			public interface RateLimiter {

				boolean tryAcquire(String key);

				default boolean tryAcquire(String key, int permits) {
					for (int i = 0; i < permits; i++) {
						if (!tryAcquire(key)) {
							return false;
						}
					}
					return true;
				}

				static RateLimiter tokenBucket(int capacity, Duration refill, LongSupplier nanoTime) {
					return new TokenBucket(capacity, refill.toNanos(), nanoTime);
				}

				// Buckets refill continuously rather than in steps, so bursts stay smooth.
				final class TokenBucket implements RateLimiter {

					private final int capacity;

					private final long nanosPerToken;

					private final LongSupplier nanoTime;

					private double tokens;

					private long updatedAt;

					TokenBucket(int capacity, long refillNanos, LongSupplier nanoTime) {
						this.capacity = capacity;
						this.nanosPerToken = refillNanos / capacity;
						this.nanoTime = nanoTime;
						this.tokens = capacity;
						this.updatedAt = nanoTime.getAsLong();
					}

					@Override
					public synchronized boolean tryAcquire(String key) {
						refill();
						if (this.tokens < 1) {
							return false;
						}
						this.tokens--;
						return true;
					}

					private void refill() {
						long now = this.nanoTime.getAsLong();
						double earned = (double) (now - this.updatedAt) / this.nanosPerToken;
						this.tokens = Math.min(this.capacity, this.tokens + earned);
						this.updatedAt = now;
					}

					String describe() {
						String shape = switch (this.capacity) {
							case 0 -> "closed";
							case 1 -> "single";
							default -> "bucket of " + this.capacity;
						};
						return \"""
								{
								  "shape": "%s", "café": "naïve ☕"
								}
								\""".formatted(shape);
					}

				}

			}
			""";

	static final String PYTHON_INVENTORY = """
			\"""Inventory of a small warehouse.

			Stock levels are kept per SKU and per location.
			\"""

			from __future__ import annotations

			import dataclasses
			import logging
			from collections import defaultdict
			from typing import Iterable

			LOW_STOCK = 5
			log = logging.getLogger(__name__)


			@dataclasses.dataclass(frozen=True)
			class Item:
			    sku: str
			    name: str
			    price: float


			class Inventory:
			    \"""Stock per SKU and location.\"""

			    def __init__(self) -> None:
			        self._stock: dict[str, dict[str, int]] = defaultdict(dict)

			    def add(self, sku: str, location: str, quantity: int) -> None:
			        \"""Adds stock; quantity must be positive.\"""
			        if quantity <= 0:
			            raise ValueError(f"quantity must be positive, not {quantity}")
			        current = self._stock[sku].get(location, 0)
			        self._stock[sku][location] = current + quantity
			        log.debug("added %s of %s at %s", quantity, sku, location)

			    def remove(self, sku: str, location: str, quantity: int) -> None:
			        current = self._stock[sku].get(location, 0)
			        if quantity > current:
			            raise ValueError("not enough stock")
			        self._stock[sku][location] = current - quantity

			    # Totals are computed on demand; the warehouse is small.
			    def total(self, sku: str) -> int:
			        return sum(self._stock[sku].values())

			    @property
			    def skus(self) -> list[str]:
			        return sorted(self._stock)

			    def low_stock(self, threshold: int = LOW_STOCK) -> Iterable[str]:
			        for sku in self.skus:
			            if self.total(sku) < threshold:
			                yield sku


			async def restock(inventory: Inventory, orders: Iterable[tuple[str, str, int]]) -> int:
			    count = 0
			    for sku, location, quantity in orders:
			        inventory.add(sku, location, quantity)
			        count += 1
			    return count


			def report(inventory: Inventory) -> str:
			    lines = [f"{sku}: {inventory.total(sku)}" for sku in inventory.skus]
			    return "\\n".join(lines)


			if __name__ == "__main__":
			    inventory = Inventory()
			    inventory.add("A-1", "shelf-3", 12)
			    print(report(inventory))
			""";

	static final String GO_STORE = """
			// Package store keeps key-value pairs with expiry.
			package store

			import (
				"errors"
				"sync"
				"time"
			)

			const (
				DefaultTTL = 5 * time.Minute
				MaxKeys    = 10_000
			)

			// ErrFull is returned when the store holds MaxKeys keys.
			var ErrFull = errors.New("store is full")

			type entry[V any] struct {
				value   V
				expires time.Time
			}

			// Store is safe for concurrent use.
			type Store[V any] struct {
				mu      sync.RWMutex
				entries map[string]entry[V]
				now     func() time.Time
			}

			type (
				Key   = string
				Clock func() time.Time
			)

			// New makes an empty store.
			func New[V any](now Clock) *Store[V] {
				return &Store[V]{entries: make(map[string]entry[V]), now: now}
			}

			// Put stores a value for the default time to live.
			func (s *Store[V]) Put(key Key, value V) error {
				s.mu.Lock()
				defer s.mu.Unlock()
				if _, ok := s.entries[key]; !ok && len(s.entries) >= MaxKeys {
					return ErrFull
				}
				s.entries[key] = entry[V]{value: value, expires: s.now().Add(DefaultTTL)}
				return nil
			}

			// Get returns the value unless it has expired.
			func (s *Store[V]) Get(key Key) (V, bool) {
				s.mu.RLock()
				defer s.mu.RUnlock()
				e, ok := s.entries[key]
				if !ok || s.now().After(e.expires) {
					var zero V
					return zero, false
				}
				return e.value, true
			}

			func (s Store[V]) Len() int { return len(s.entries) }

			// Sweep drops expired entries and says how many went.
			func (s *Store[V]) Sweep() int {
				s.mu.Lock()
				defer s.mu.Unlock()
				removed := 0
				for key, e := range s.entries {
					if s.now().After(e.expires) {
						delete(s.entries, key)
						removed++
					}
				}
				return removed
			}
			""";

	static final String JAVASCRIPT_CART = """
			import { formatPrice } from './format.js';

			const TAX = 0.2;

			/**
			 * A shopping cart that keeps lines by SKU.
			 */
			export class Cart {
			  #lines = new Map();

			  add(sku, price, quantity = 1) {
			    const line = this.#lines.get(sku) ?? { sku, price, quantity: 0 };
			    line.quantity += quantity;
			    this.#lines.set(sku, line);
			    return this;
			  }

			  remove(sku) {
			    this.#lines.delete(sku);
			  }

			  get total() {
			    let sum = 0;
			    for (const { price, quantity } of this.#lines.values()) {
			      sum += price * quantity;
			    }
			    return sum * (1 + TAX);
			  }

			  onChange = (listener) => {
			    this.listener = listener;
			  };

			  static fromJSON(json) {
			    const cart = new Cart();
			    for (const line of JSON.parse(json)) {
			      cart.add(line.sku, line.price, line.quantity);
			    }
			    return cart;
			  }
			}

			export const summary = (cart) => `${cart.size} items, ${formatPrice(cart.total)}`;

			export default function emptyCart() {
			  return new Cart();
			}

			document.addEventListener('DOMContentLoaded', () => {
			  const cart = emptyCart();
			  console.log(summary(cart));
			});
			""";

	static final String TYPESCRIPT_REPOSITORY = """
			import { Injectable } from '@angular/core';
			import type { HttpClient } from '@angular/common/http';

			export interface Entity {
			  id: string;
			  createdAt: Date;
			}

			export type Page<T> = { items: T[]; next?: string };

			export enum SortOrder {
			  Ascending = 'asc',
			  Descending = 'desc',
			}

			/** Talks to a REST collection of entities. */
			@Injectable({ providedIn: 'root' })
			export class Repository<T extends Entity> {
			  private readonly cache = new Map<string, T>();

			  constructor(private readonly http: HttpClient, private readonly base: string) {}

			  @Memoize()
			  async find(id: string): Promise<T | undefined> {
			    const cached = this.cache.get(id);
			    if (cached) {
			      return cached;
			    }
			    const entity = await this.http.get<T>(`${this.base}/${id}`).toPromise();
			    if (entity) {
			      this.cache.set(id, entity);
			    }
			    return entity;
			  }

			  async page(cursor?: string, order: SortOrder = SortOrder.Ascending): Promise<Page<T>> {
			    const query = new URLSearchParams({ order });
			    if (cursor) {
			      query.set('cursor', cursor);
			    }
			    return this.http.get<Page<T>>(`${this.base}?${query}`).toPromise() as Promise<Page<T>>;
			  }

			  evict(id: string): void {
			    this.cache.delete(id);
			  }
			}

			export namespace Ids {
			  export function isValid(id: string): boolean {
			    return /^[a-z0-9-]{8,}$/.test(id);
			  }

			  export const random = (): string => Math.random().toString(36).slice(2);
			}

			declare module 'legacy-sdk' {
			  export function connect(url: string): Promise<void>;
			}

			function memoize(target: unknown): void;
			function memoize(target: unknown, key?: string): void {}
			""";

	static final String TSX_CARD = """
			import React, { useState } from "react";
			import type { User } from "./types";

			interface Props {
			  user: User;
			  onSave: (user: User) => void;
			}

			type Mode = "view" | "edit";

			export function UserCard({ user, onSave }: Props) {
			  const [mode, setMode] = useState<Mode>("view");
			  const [name, setName] = useState<string>(user.name);

			  if (mode === "view") {
			    return (
			      <div className="card">
			        <h2>{user.name}</h2>
			        <button onClick={() => setMode("edit")}>Edit</button>
			      </div>
			    );
			  }

			  return (
			    <form onSubmit={(e) => { e.preventDefault(); onSave({ ...user, name }); setMode("view"); }}>
			      <input value={name} onChange={(e) => setName(e.target.value)} />
			      <button type="submit">Save</button>
			    </form>
			  );
			}

			export const Badge = ({ label }: { label: string }) => <span className="badge">{label}</span>;
			""";

	static final String MARKDOWN_GUIDE = """
			---
			title: Setup guide
			tags: [install, linux]
			---

			Read this before installing anything.

			Install
			=======

			The installer needs a 64-bit system and about 2 GB of free disk.

			## Linux

			Use the package for your distribution:

			```bash
			# Debian and Ubuntu
			sudo apt-get install devassist
			# Fedora
			sudo dnf install devassist
			```

			### Checking the service

			Run `systemctl status devassist` and look for **active (running)**.

			## macOS ##

			1. Download the disk image.
			2. Drag the app into *Applications*.
			3. Open it once so that macOS asks for permission.

			Configuration
			-------------

			| Key | Meaning |
			|-----|---------|
			| `port` | where the server listens |
			| `data` | where it keeps its files |

			~~~yaml
			port: 8080
			data: /var/lib/devassist
			~~~

			# FAQ

			> Why does the first start take long?

			It builds the index of every repository it is given.
			""";

	static final String PROSE_NOTES = """
			Meeting notes, planning week.

			We agreed to ship the search improvements first. The ranking changes need a week of
			tuning on real queries, and the team wants numbers before and after. Alice will collect
			the query log; Bob will set up the comparison.

			The indexing backlog is the second priority. It grows by about a thousand files a day,
			mostly from the monorepo, and the nightly job no longer finishes before people start
			work. Splitting the job by repository should help.

			Open questions: who owns the dashboards? Do we keep the old ranking as a fallback?
			""";

	static final String YAML_WORKFLOW = """
			name: build

			on:
			  push:
			    branches: [main]
			  pull_request:

			jobs:
			  test:
			    runs-on: ubuntu-latest
			    steps:
			      - uses: actions/checkout@v4
			      - uses: actions/setup-java@v4
			        with:
			          distribution: temurin
			          java-version: 25
			      - run: ./mvnw -B verify
			""";

	private Samples() {
	}

}
