//! What a call reaches (a function, a method on a known receiver, an alias, a partial
//! application) and the code text of a node with parameters, fields, aliases and constant
//! values written in.

use super::*;

impl<'t, 'v> Program<'t, 'v> {
    /// The definition a call's callee names, and the receiver's context (class, fields).
    pub(super) fn target(
        &self,
        callee: Node<'t>,
        env: &Env<'t>,
    ) -> Option<(Def<'t>, Env<'t>, Node<'t>)> {
        let level = self.nesting.get();
        if level > MAX_NESTING {
            return None;
        }
        self.nesting.set(level + 1);
        let found = self.target_nested(callee, env);
        self.nesting.set(level);
        found
    }

    /// [`Self::target`] within the nesting bound.
    fn target_nested(
        &self,
        callee: Node<'t>,
        env: &Env<'t>,
    ) -> Option<(Def<'t>, Env<'t>, Node<'t>)> {
        let callee = unparenthesize(callee);
        match callee.kind() {
            "identifier" => {
                let name = self.src(callee);
                if let Some(value) = env.vars.get(name) {
                    // A parameter holding one of the snippet's functions (`for f in [nuke]`).
                    let def = self.functions.get(value.as_str())?;
                    return Some((def.clone(), Env::default(), callee));
                }
                if let Some(def) = self.functions.get(name) {
                    return Some((def.clone(), Env::default(), callee));
                }
                // `log = git("log"); log("-n", "5")`: the closure a call returned.
                if let Some(call) = self
                    .constructed
                    .get(name)
                    .filter(|c| matches!(c.kind(), "call" | "call_expression"))
                {
                    if let Some(found) = self.closure(*call, env) {
                        return Some(found);
                    }
                }
                if self.instances.contains_key(name) {
                    // `r = Runner(); r(cmd)`: the instance's `__call__`.
                    let ctx = self.receiver(callee, env)?;
                    let def = self.method(ctx.class.as_deref()?, "__call__")?;
                    return Some((def, ctx, callee));
                }
                match self.aliases.get(name)? {
                    Alias::Expr(alias)
                        if matches!(
                            unparenthesize(*alias).kind(),
                            "subscript"
                                | "subscript_expression"
                                | "member_expression"
                                | "attribute"
                        ) =>
                    {
                        self.target(*alias, env)
                    }
                    _ => None,
                }
            }
            "lambda" | "arrow_function" | "function_expression" | "function" => {
                Some((self.def(callee, None, false)?, Env::default(), callee))
            }
            // `make(base)(sub)`: the function the inner call returns.
            "call" | "call_expression" => self.closure(callee, env),
            "attribute" | "member_expression" => {
                let object = callee.child_by_field_name("object")?;
                let member = callee
                    .child_by_field_name("attribute")
                    .or_else(|| callee.child_by_field_name("property"))?;
                if let Some(table) = self.tables.get(self.src(object)) {
                    let def = self.def_from_value(*table.get(self.src(member))?)?;
                    return Some((def, Env::default(), member));
                }
                let ctx = self.receiver(object, env)?;
                let def = self.method(ctx.class.as_deref()?, self.src(member))?;
                Some((def, ctx, member))
            }
            "subscript" | "subscript_expression" => {
                let object = callee
                    .child_by_field_name("value")
                    .or_else(|| callee.child_by_field_name("object"))?;
                let key = callee
                    .child_by_field_name("subscript")
                    .or_else(|| callee.child_by_field_name("index"))?;
                let table = self.tables.get(self.src(object))?;
                let def = self.def_from_value(*table.get(&key_text(self.src(key)))?)?;
                Some((def, Env::default(), key))
            }
            _ => None,
        }
    }

    /// The function a call of one of the snippet's functions returns (a lambda, an arrow
    /// function, or a function defined inside it and returned by name), with the outer call's
    /// parameters bound: a closure.
    pub(super) fn closure(
        &self,
        call: Node<'t>,
        env: &Env<'t>,
    ) -> Option<(Def<'t>, Env<'t>, Node<'t>)> {
        let args = call.child_by_field_name("arguments")?;
        let (outer, ctx, _) = self.target(call.child_by_field_name("function")?, env)?;
        let returned = match outer.returns {
            Some(value) => self.def_from_value(value)?,
            None => self.returned_by_name(&outer)?,
        };
        let bound = self.bind(&outer, args, env, 0, ctx);
        Some((returned, bound, call))
    }

    /// `def outer(): def inner(): …; return inner`: the inner function.
    fn returned_by_name(&self, outer: &Def<'t>) -> Option<Def<'t>> {
        let mut cursor = outer.body.walk();
        let statements: Vec<Node> = outer.body.named_children(&mut cursor).collect();
        let returned = statements
            .iter()
            .rev()
            .find(|s| s.kind() == "return_statement")
            .and_then(|r| r.named_child(0))
            .filter(|r| r.kind() == "identifier")?;
        let name = self.src(returned);
        statements.iter().find_map(|s| {
            let def = match s.kind() {
                "function_definition" | "function_declaration" => *s,
                "decorated_definition" => s.child_by_field_name("definition")?,
                _ => return None,
            };
            let def_name = def.child_by_field_name("name")?;
            (self.src(def_name) == name)
                .then(|| self.def(def, None, false))
                .flatten()
        })
    }

    /// A method of `class` or of one of its bases.
    pub(super) fn method(&self, class: &str, name: &str) -> Option<Def<'t>> {
        let mut class = class.to_string();
        for _ in 0..8 {
            let c = self.classes.get(&class)?;
            if let Some(def) = c.methods.get(name) {
                return Some(def.clone());
            }
            class = c.bases.first()?.clone();
        }
        None
    }

    /// The class and fields of a method call's receiver, when the snippet shows them:
    /// `self`/`this` inside a method, `Cls(...)`/`new Cls(...)`, a name bound to one, or the
    /// class itself (static and class methods).
    pub(super) fn receiver(&self, object: Node<'t>, env: &Env<'t>) -> Option<Env<'t>> {
        let object = unparenthesize(object);
        let text = self.src(object);
        if object.kind() == "this" || is_receiver(self.lang, text) {
            let mut ctx = Env {
                class: env.class.clone(),
                ..Env::default()
            };
            ctx.vars.extend(
                env.vars
                    .iter()
                    .filter(|(k, _)| k.contains('.'))
                    .map(|(k, v)| (k.clone(), v.clone())),
            );
            return ctx.class.is_some().then_some(ctx);
        }
        match object.kind() {
            "identifier" => {
                if let Some(value) = env.vars.get(text) {
                    // An instance passed in as text (`for c in (Cleaner(), Other()): c.run()`).
                    let class = value
                        .trim_start_matches("new ")
                        .split('(')
                        .next()
                        .unwrap_or("")
                        .trim();
                    return self
                        .classes
                        .contains_key(class)
                        .then(|| self.construct(class, None, 0));
                }
                if let Some(call) = self.instances.get(text) {
                    let class = constructor_name(*call, self.code)?;
                    return Some(self.construct(class, call.child_by_field_name("arguments"), 0));
                }
                if self.classes.contains_key(text) {
                    return Some(self.construct(text, None, 0));
                }
                None
            }
            "call" | "call_expression" | "new_expression" => {
                let class = constructor_name(object, self.code)?;
                if !self.classes.contains_key(class) {
                    return None;
                }
                Some(self.construct(class, object.child_by_field_name("arguments"), 0))
            }
            _ => None,
        }
    }

    /// An instance of `class` built with these constructor arguments: its class attributes and
    /// the fields its constructor sets (`self.root = root`).
    pub(super) fn construct(&self, class: &str, args: Option<Node<'t>>, depth: usize) -> Env<'t> {
        let mut ctx = Env {
            class: Some(class.to_string()),
            ..Env::default()
        };
        let prefixes: &[&str] = match self.lang {
            Lang::Python => &["self", "cls"],
            _ => &["this"],
        };
        // Class attributes, base classes first.
        let mut chain = vec![class.to_string()];
        while let Some(base) = chain
            .last()
            .and_then(|c| self.classes.get(c))
            .and_then(|c| c.bases.first())
        {
            if chain.len() > 8 || chain.contains(base) {
                break;
            }
            chain.push(base.clone());
        }
        for c in chain.iter().rev() {
            for (name, value) in self.classes.get(c).map(|c| &c.attrs[..]).unwrap_or(&[]) {
                let v = self.text(*value, &Env::default(), depth + 1, MAX_INLINE);
                for p in prefixes.iter().chain([&c.as_str(), &class]) {
                    ctx.vars.insert(format!("{p}.{name}"), v.clone());
                }
            }
        }
        let init = if self.lang == Lang::Python {
            "__init__"
        } else {
            "constructor"
        };
        let Some(ctor) = self.method(class, init) else {
            return ctx;
        };
        let bound = match args {
            Some(args) => self.bind(&ctor, args, &Env::default(), depth, ctx.clone()),
            None => self.bind_defaults(&ctor, ctx.clone()),
        };
        // `self.x = value` anywhere in the constructor.
        let mut stack = vec![(ctor.body, 0usize)];
        while let Some((node, d)) = stack.pop() {
            if d > MAX_NODE_DEPTH || !self.spend() {
                break;
            }
            if matches!(node.kind(), "assignment" | "assignment_expression") {
                if let (Some(l), Some(r)) = (
                    node.child_by_field_name("left"),
                    node.child_by_field_name("right"),
                ) {
                    let key = compact(self.src(l));
                    if key
                        .split_once('.')
                        .is_some_and(|(recv, _)| prefixes.contains(&recv))
                    {
                        ctx.vars
                            .insert(key, self.text(r, &bound, depth + 1, MAX_INLINE - 1));
                    }
                }
            }
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                stack.push((child, d + 1));
            }
        }
        ctx
    }

    /// A table value that is a function.
    pub(super) fn def_from_value(&self, value: Node<'t>) -> Option<Def<'t>> {
        let value = unparenthesize(value);
        match value.kind() {
            "lambda"
            | "arrow_function"
            | "function_expression"
            | "function"
            | "method_definition" => self.def(value, None, false),
            "identifier" => self.functions.get(self.src(value)).cloned(),
            _ => None,
        }
    }

    /// A call whose callee is an alias, a partial application or a table entry that is not
    /// one of the snippet's functions, written with what the callee stands for
    /// (`run = os.system; run(c)` → `os.system(c)`).
    pub(super) fn aliased_call(
        &self,
        call: Node<'t>,
        env: &Env<'t>,
        depth: usize,
        inline: usize,
    ) -> Option<String> {
        let callee = unparenthesize(callee(call)?);
        let args = call.child_by_field_name("arguments")?;
        let args_text = self.text(args, env, depth + 1, inline);
        match callee.kind() {
            "identifier" => {
                let name = self.src(callee);
                if env.vars.contains_key(name) || self.functions.contains_key(name) {
                    return None;
                }
                match self.aliases.get(name)? {
                    Alias::Module(_) => None,
                    Alias::Expr(alias) => Some(format!(
                        "{}{args_text}",
                        self.text(*alias, env, depth + 1, inline)
                    )),
                    Alias::Member(source, key) => Some(format!(
                        "{}.{}{args_text}",
                        self.text(*source, env, depth + 1, inline),
                        self.src(*key)
                    )),
                    Alias::Partial(f, bound) => {
                        let mut parts: Vec<String> = bound
                            .iter()
                            .filter(|b| b.kind() != "keyword_argument")
                            .map(|b| self.text(*b, env, depth + 1, inline))
                            .collect();
                        let trimmed = args_text.trim();
                        let inner = trimmed
                            .strip_prefix('(')
                            .and_then(|t| t.strip_suffix(')'))
                            .unwrap_or(trimmed)
                            .trim();
                        if !inner.is_empty() {
                            parts.push(inner.to_string());
                        }
                        parts.extend(
                            bound
                                .iter()
                                .filter(|b| b.kind() == "keyword_argument")
                                .map(|b| self.text(*b, env, depth + 1, inline)),
                        );
                        Some(format!(
                            "{}({})",
                            self.text(*f, env, depth + 1, inline),
                            parts.join(", ")
                        ))
                    }
                }
            }
            "subscript" | "subscript_expression" | "attribute" | "member_expression" => {
                let object = callee
                    .child_by_field_name("value")
                    .or_else(|| callee.child_by_field_name("object"))?;
                let key = callee
                    .child_by_field_name("subscript")
                    .or_else(|| callee.child_by_field_name("index"))
                    .or_else(|| callee.child_by_field_name("property"))
                    .or_else(|| callee.child_by_field_name("attribute"))?;
                let value = *self
                    .tables
                    .get(self.src(object))?
                    .get(&key_text(self.src(key)))?;
                if self.def_from_value(value).is_some() {
                    return None;
                }
                Some(format!(
                    "{}{args_text}",
                    self.text(value, env, depth + 1, inline)
                ))
            }
            _ => None,
        }
    }

    /// The code text of `node` with parameters and fields replaced by their values, aliases by
    /// what they name, calls of value-returning helpers by the value and literal string
    /// concatenations joined.
    pub(super) fn text(
        &self,
        node: Node<'t>,
        env: &Env<'t>,
        depth: usize,
        inline: usize,
    ) -> String {
        // Finding a parent walks down from the root (a cost of the depth): only the kinds
        // judged by their position ask for it, so a deep chain of calls stays linear.
        let parent = match node.kind() {
            "identifier"
            | "attribute"
            | "member_expression"
            | "subscript"
            | "subscript_expression"
            | "template_string" => node.parent(),
            _ => None,
        };
        self.text_in(node, parent, env, depth, inline)
    }

    /// [`Self::text_nested`] within the nesting bound (past it, the code as written).
    fn text_in(
        &self,
        node: Node<'t>,
        parent: Option<Node<'t>>,
        env: &Env<'t>,
        depth: usize,
        inline: usize,
    ) -> String {
        let level = self.nesting.get();
        if level > MAX_NESTING {
            return self.src(node).to_string();
        }
        self.nesting.set(level + 1);
        let out = self.text_nested(node, parent, env, depth, inline);
        self.nesting.set(level);
        out
    }

    /// [`Self::text`] with the node's parent known (finding a parent walks down from the root).
    fn text_nested(
        &self,
        node: Node<'t>,
        parent: Option<Node<'t>>,
        env: &Env<'t>,
        depth: usize,
        inline: usize,
    ) -> String {
        if depth > MAX_NODE_DEPTH || !self.spend() {
            return self.src(node).to_string();
        }
        match node.kind() {
            // Inside `{…}` of an f-string or `${…}` of a template only plain strings are written
            // in (see `raw_interpolation`); the assignments before an inlined body cover the rest.
            "identifier" if self.substitutable(node, parent) && !in_interpolation(parent) => {
                if let Some(v) = env.vars.get(self.src(node)) {
                    return v.clone();
                }
                if let Some(Alias::Module(m)) = self.aliases.get(self.src(node)) {
                    return m.clone();
                }
                if let Some(value) = self.values.get(self.src(node)) {
                    // Not as a receiver: `p.open("a")` is read by the token analysis as a
                    // path variable's method.
                    let receiver = parent.is_some_and(|p| {
                        matches!(p.kind(), "attribute" | "member_expression")
                            && p.child_by_field_name("object") == Some(node)
                    });
                    if inline < MAX_INLINE && !receiver {
                        let v = self.text(*value, &Env::default(), depth + 1, inline + 1);
                        // A value built from values (`b = a + a; c = b + b; …`) doubles at each
                        // step: a long one stays a name.
                        if v.len() > MAX_VALUE_TEXT {
                            return self.src(node).to_string();
                        }
                        return match unparenthesize(*value).kind() {
                            "string"
                            | "template_string"
                            | "call"
                            | "call_expression"
                            | "attribute"
                            | "member_expression"
                            | "identifier"
                            | "integer"
                            | "number"
                            | "subscript"
                            | "subscript_expression" => v,
                            // `m = "sys" + "tem"` folded to one literal is that literal (a
                            // name looked up by it: `getattr(os, m)`, `cp[m]`).
                            _ if string_value(&v).is_some() => v,
                            _ => format!("({v})"),
                        };
                    }
                }
            }
            "attribute" | "member_expression" | "subscript" | "subscript_expression" => {
                if let Some(v) = env.vars.get(&compact(self.src(node))) {
                    return v.clone();
                }
                if let Some(v) = running_interpreter(self.lang, &compact(self.src(node))) {
                    return quote(v);
                }
                if let Some(member) = self.namespace_member(node, env, depth, inline) {
                    return member;
                }
                if let Some(class) = self.subclass_lookup(node) {
                    return class.to_string();
                }
                let callee_position = parent.is_some_and(|p| callee(p) == Some(node));
                if !callee_position {
                    if let Some(value) = self.member_value(node, env, depth) {
                        return self.text(value, env, depth + 1, inline);
                    }
                    if let Some(value) = self.property_value(node, env, inline) {
                        return value;
                    }
                }
            }
            "string" if self.lang == Lang::Python => {
                if let Some(joined) = self.fstring_as_concatenation(node, env, depth, inline) {
                    return joined;
                }
            }
            // `*args` / `...args` with the arguments known: the arguments.
            "list_splat" | "spread_element" => {
                if let Some(v) = node
                    .named_child(0)
                    .filter(|n| n.kind() == "identifier")
                    .and_then(|n| env.vars.get(&format!("*{}", self.src(n))))
                {
                    return v.clone();
                }
                // `*cfg["args"]`, `...base.args` with a literal list behind them.
                if let Some(list) = node
                    .named_child(0)
                    .and_then(|n| self.literal_node(n, env, 0))
                    .filter(|l| matches!(l.kind(), "list" | "tuple" | "array"))
                {
                    let mut cursor = list.walk();
                    let items: Vec<String> = list
                        .named_children(&mut cursor)
                        .filter(|n| n.kind() != "comment")
                        .map(|n| self.text(n, env, depth + 1, inline))
                        .collect();
                    return items.join(", ");
                }
            }
            "interpolation" | "template_substitution" => {
                if let Some(raw) = self.raw_interpolation(node, env) {
                    return raw;
                }
            }
            "binary_operator" | "binary_expression" => {
                if let Some(joined) = self.joined_strings(node, env, depth, inline) {
                    return joined;
                }
            }
            "template_string" => {
                if let Some(joined) = parent
                    .filter(|p| p.kind() == "call_expression")
                    .is_none()
                    .then(|| self.template_as_concatenation(node, env, depth, inline))
                    .flatten()
                {
                    return joined;
                }
            }
            _ => {}
        }
        if let Some(callee) = callee(node) {
            if inline < MAX_INLINE {
                if let (Some((def, ctx, at)), Some(args)) = (
                    self.target(callee, env),
                    node.child_by_field_name("arguments"),
                ) {
                    if let Some(value) = def.returns {
                        let inner = self.bind(&def, args, env, depth, ctx);
                        if let Some(name) = &def.name {
                            self.follow(name, at.start_byte());
                        }
                        return format!("({})", self.text(value, &inner, 0, inline + 1));
                    }
                }
            }
            if let Some(text) = self.aliased_call(node, env, depth, inline) {
                return text;
            }
            if let Some(text) = self.folded_call(node, env, depth, inline) {
                return text;
            }
        }
        if node.child_count() == 0 {
            return self.src(node).to_string();
        }
        let mut out = String::new();
        let mut at = node.start_byte();
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            out.push_str(self.code.get(at..child.start_byte()).unwrap_or(""));
            out.push_str(&self.text_in(child, Some(node), env, depth + 1, inline));
            at = child.end_byte();
        }
        out.push_str(self.code.get(at..node.end_byte()).unwrap_or(""));
        out
    }

    /// `{v}` in an f-string or `${v}` in a template literal with `v` bound to a plain string:
    /// the string's characters in place.
    pub(super) fn raw_interpolation(&self, node: Node<'t>, env: &Env<'t>) -> Option<String> {
        let inner = node
            .child_by_field_name("expression")
            .or_else(|| node.named_child(0))?;
        let propagated;
        let value = match inner.kind() {
            "identifier" => match env.vars.get(self.src(inner)) {
                Some(v) => v,
                None => {
                    let node = self.values.get(self.src(inner))?;
                    propagated = self.text(*node, &Env::default(), 0, MAX_INLINE);
                    &propagated
                }
            },
            "attribute" | "member_expression" | "subscript" | "subscript_expression" => {
                match env.vars.get(&compact(self.src(inner))) {
                    Some(v) => v,
                    None => {
                        let node = self.member_value(inner, env, 0)?;
                        propagated = self.text(node, env, 0, MAX_INLINE);
                        &propagated
                    }
                }
            }
            _ => return None,
        };
        let raw = string_value(value).or_else(|| {
            value
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.')
                .then(|| value.clone())
        })?;
        let unsafe_chars: &[char] = match self.lang {
            Lang::Python => &['{', '}', '"', '\'', '\\', '\n'],
            _ => &['`', '$', '\\'],
        };
        (!raw.contains(unsafe_chars)).then_some(raw)
    }

    /// `self.root` / `Cache().root` where `root` is a `@property` (or a JavaScript getter)
    /// returning one expression: that expression.
    fn property_value(&self, node: Node<'t>, env: &Env<'t>, inline: usize) -> Option<String> {
        if inline >= MAX_INLINE || !matches!(node.kind(), "attribute" | "member_expression") {
            return None;
        }
        let object = node.child_by_field_name("object")?;
        let name = node
            .child_by_field_name("attribute")
            .or_else(|| node.child_by_field_name("property"))?;
        let ctx = self.receiver(object, env)?;
        let def = self.method(ctx.class.as_deref()?, self.src(name))?;
        if !def.property {
            return None;
        }
        let value = def.returns?;
        let bound = self.bind_defaults(&def, ctx);
        Some(format!("({})", self.text(value, &bound, 0, inline + 1)))
    }

    /// The literal a member or subscript names: `CONFIG["target"]`, `cfg.dirs`, `steps[0]`,
    /// `step["run"]` with `step` a loop's literal element.
    pub(super) fn member_value(
        &self,
        node: Node<'t>,
        env: &Env<'t>,
        depth: usize,
    ) -> Option<Node<'t>> {
        if !matches!(
            node.kind(),
            "attribute" | "member_expression" | "subscript" | "subscript_expression"
        ) {
            return None;
        }
        let value = self.literal_node(node, env, depth)?;
        (value.byte_range() != node.byte_range()).then_some(value)
    }

    /// The literal node an expression stands for, following names bound once, loop elements,
    /// members and subscripts with literal keys.
    pub(super) fn literal_node(
        &self,
        node: Node<'t>,
        env: &Env<'t>,
        depth: usize,
    ) -> Option<Node<'t>> {
        if depth > 16 {
            return None;
        }
        let node = unparenthesize(node);
        match node.kind() {
            "identifier" => {
                let name = self.src(node);
                if let Some(n) = env.nodes.get(name) {
                    return Some(*n);
                }
                if env.vars.contains_key(name) {
                    return None;
                }
                let found = self
                    .literals
                    .get(name)
                    .or_else(|| self.values.get(name))
                    .copied()?;
                Some(self.literal_node(found, env, depth + 1).unwrap_or(found))
            }
            "attribute" | "member_expression" | "subscript" | "subscript_expression" => {
                let object = node
                    .child_by_field_name("object")
                    .or_else(|| node.child_by_field_name("value"))?;
                let base = self.literal_node(object, env, depth + 1)?;
                let key = node
                    .child_by_field_name("attribute")
                    .or_else(|| node.child_by_field_name("property"))
                    .or_else(|| node.child_by_field_name("subscript"))
                    .or_else(|| node.child_by_field_name("index"))?;
                let key_is_name = matches!(key.kind(), "identifier" | "property_identifier")
                    && matches!(node.kind(), "attribute" | "member_expression");
                let key = if key_is_name {
                    self.src(key).to_string()
                } else {
                    string_value(self.src(key)).unwrap_or_else(|| self.src(key).to_string())
                };
                let value = match base.kind() {
                    "dictionary" | "object" => *self.table(base).get(&key)?,
                    "list" | "tuple" | "array" => {
                        let index: usize = key.parse().ok()?;
                        let mut cursor = base.walk();
                        let item = base
                            .named_children(&mut cursor)
                            .filter(|n| n.kind() != "comment")
                            .nth(index)?;
                        item
                    }
                    _ => return None,
                };
                Some(self.literal_node(value, env, depth + 1).unwrap_or(value))
            }
            "dictionary" | "object" | "list" | "tuple" | "array" | "string" | "integer"
            | "number" | "template_string" => Some(node),
            _ => None,
        }
    }

    /// A Python f-string with computed parts as a concatenation, so the token analysis sees
    /// that part of the text is computed: `f"rm -rf {sys.argv[1]}"` →
    /// `"rm -rf " + str(sys.argv[1]) + ""`.
    fn fstring_as_concatenation(
        &self,
        node: Node<'t>,
        env: &Env<'t>,
        depth: usize,
        inline: usize,
    ) -> Option<String> {
        let start = node.named_child(0).filter(|s| s.kind() == "string_start")?;
        let prefix = self.src(start).to_ascii_lowercase();
        if !prefix.contains('f') || prefix.contains('r') || prefix.contains('b') {
            return None;
        }
        let mut out = Concatenation::default();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "string_start" | "string_end" => {}
                "string_content" => {
                    // Escapes inside the content are children of it.
                    let text = self.src(child).replace("{{", "{").replace("}}", "}");
                    out.literal.push_str(
                        &string_value(&format!("\"{}\"", text.replace('"', "\\\"")))
                            .unwrap_or(text),
                    );
                }
                "escape_sequence" => out
                    .literal
                    .push_str(&string_value(&format!("\"{}\"", self.src(child)))?),
                "interpolation" => {
                    if let Some(raw) = self.raw_interpolation(child, env) {
                        out.literal.push_str(&raw);
                        continue;
                    }
                    let mut inner = child.walk();
                    let only_expression = child.named_children(&mut inner).count() == 1;
                    if !only_expression {
                        // A format spec or conversion (`{x!r:>10}`): left as written.
                        return None;
                    }
                    let expr = child.child_by_field_name("expression")?;
                    // A plain name keeps its `{name}` place in the text (the shape of the
                    // command stays visible: `bash -i >& /dev/tcp/{host}/{port}`); an
                    // expression (`{sys.argv[1]}`, `{t.path}`) makes the text computed.
                    let computed = expr.kind() != "identifier";
                    out.push_expression(self.text(expr, env, depth + 1, inline), computed);
                }
                _ => return None,
            }
        }
        out.finish()
    }

    /// A template literal with computed parts as a concatenation, which the token analysis
    /// reads as a path: `` `${os.homedir()}/.zshrc` `` → `"" + (os.homedir()) + "/.zshrc"`
    /// (the caller leaves tagged templates alone: their function sees the parts).
    pub(super) fn template_as_concatenation(
        &self,
        node: Node<'t>,
        env: &Env<'t>,
        depth: usize,
        inline: usize,
    ) -> Option<String> {
        let mut out = Concatenation::default();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "string_fragment" => out.literal.push_str(self.src(child)),
                "escape_sequence" => out
                    .literal
                    .push_str(&string_value(&format!("\"{}\"", self.src(child)))?),
                "template_substitution" => {
                    if let Some(raw) = self.raw_interpolation(child, env) {
                        out.literal.push_str(&raw);
                        continue;
                    }
                    let expr = child.named_child(0)?;
                    out.push_expression(self.text(expr, env, depth + 1, inline), true);
                }
                _ => return None,
            }
        }
        out.finish()
    }

    /// `"shu" + "til"` → `"shutil"`.
    pub(super) fn joined_strings(
        &self,
        node: Node<'t>,
        env: &Env<'t>,
        depth: usize,
        inline: usize,
    ) -> Option<String> {
        let op = node.child_by_field_name("operator")?;
        if self.src(op) == "%" && self.lang == Lang::Python {
            return self.percent_formatted(node, env, depth, inline);
        }
        if self.src(op) == "/" && self.lang == Lang::Python {
            // `Path.home() / ".aws" / "credentials"` → `Path("~/.aws/credentials")`.
            let left = self.text(node.child_by_field_name("left")?, env, depth + 1, inline);
            let right = self.text(node.child_by_field_name("right")?, env, depth + 1, inline);
            return joined_path(&left, &[string_value(&right)?]);
        }
        if self.src(op) != "+" {
            return None;
        }
        let left = self.text(node.child_by_field_name("left")?, env, depth + 1, inline);
        let right = self.text(node.child_by_field_name("right")?, env, depth + 1, inline);
        let (a, b) = (string_value(&left)?, string_value(&right)?);
        Some(quote(&format!("{a}{b}")))
    }

    /// Calls with a known result written as that result: `getattr(m, "rm" + "tree")` →
    /// The characters of a Python comprehension `chr(c) for c in [114, 109, …]` over a literal
    /// list of character codes.
    fn chr_comprehension(&self, node: Node<'t>, env: &Env<'t>) -> Option<Vec<String>> {
        if self.lang != Lang::Python
            || !matches!(node.kind(), "list_comprehension" | "generator_expression")
        {
            return None;
        }
        let body = node.child_by_field_name("body")?;
        let mut cursor = node.walk();
        let clauses: Vec<Node<'t>> = node
            .named_children(&mut cursor)
            .filter(|n| n.kind() == "for_in_clause")
            .collect();
        let [clause] = clauses.as_slice() else {
            return None;
        };
        let var = clause.child_by_field_name("left")?;
        let codes = clause.child_by_field_name("right")?;
        let args = call_arguments(body)?;
        let [arg] = args.as_slice() else {
            return None;
        };
        if callee(body).map(|f| self.src(f)) != Some("chr") || self.src(*arg) != self.src(var) {
            return None;
        }
        self.all_elements(codes, env)?
            .into_iter()
            .map(|e| {
                let code: u32 = self.src(e).trim().parse().ok()?;
                char::from_u32(code).map(String::from)
            })
            .collect()
    }

    /// The sandbox-escape gadget `[c for c in ().__class__.__base__.__subclasses__() if
    /// c.__name__ == "Popen"][0]`: the class it picks out of every loaded class by name.
    fn subclass_lookup(&self, node: Node<'t>) -> Option<&'static str> {
        if self.lang != Lang::Python || node.kind() != "subscript" {
            return None;
        }
        let value = unparenthesize(node.child_by_field_name("value")?);
        if value.kind() != "list_comprehension" {
            return None;
        }
        let src = self.src(value);
        (src.contains("__subclasses__") && (src.contains("'Popen'") || src.contains("\"Popen\"")))
            .then_some("subprocess.Popen")
    }

    /// Python's `X.__dict__["name"]` and `vars(X)["name"]` with a constant key: `X.name`.
    fn namespace_member(
        &self,
        node: Node<'t>,
        env: &Env<'t>,
        depth: usize,
        inline: usize,
    ) -> Option<String> {
        if self.lang != Lang::Python || node.kind() != "subscript" {
            return None;
        }
        let value = node.child_by_field_name("value")?;
        let key = node.child_by_field_name("subscript")?;
        let object = match value.kind() {
            "attribute"
                if value
                    .child_by_field_name("attribute")
                    .is_some_and(|a| self.src(a) == "__dict__") =>
            {
                value.child_by_field_name("object")?
            }
            "call" if callee(value).is_some_and(|f| self.src(f) == "vars") => {
                match call_arguments(value)?.as_slice() {
                    [only] => *only,
                    _ => return None,
                }
            }
            _ => return None,
        };
        let name = string_value(&self.text(key, env, depth + 1, inline))?;
        let plain = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !plain {
            return None;
        }
        // `__builtins__.__dict__["exec"]` is the built-in itself.
        let object = self.text(object, env, depth + 1, inline);
        Some(if matches!(object.as_str(), "__builtins__" | "builtins") {
            name
        } else {
            format!("{object}.{name}")
        })
    }

    /// `m.rmtree`, `str(4444)` → `"4444"`, `["a", "b"].join("")` / `"".join(["a", "b"])` →
    /// `"ab"`.
    pub(super) fn folded_call(
        &self,
        call: Node<'t>,
        env: &Env<'t>,
        depth: usize,
        inline: usize,
    ) -> Option<String> {
        let f = callee(call)?;
        let argv = call_arguments(call)?;
        let text = |n: Node<'t>| self.text(n, env, depth + 1, inline);
        let called = compact(self.src(f));
        match (called.as_str(), argv.as_slice()) {
            ("getattr" | "Reflect.get", [object, name]) => {
                let name = string_value(&text(*name))?;
                let plain =
                    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                plain.then(|| format!("{}.{name}", text(*object)))
            }
            ("str" | "String", [value]) => {
                let v = text(*value);
                if v.chars().all(|c| c.is_ascii_digit()) && !v.is_empty() {
                    return Some(quote(&v));
                }
                string_value(&v).map(|s| quote(&s))
            }
            _ => {
                let object = f.child_by_field_name("object")?;
                let method = f
                    .child_by_field_name("attribute")
                    .or_else(|| f.child_by_field_name("property"))?;
                match self.src(method) {
                    "join" => {}
                    // `Path.home().joinpath(".ssh", "id_rsa")` → `Path("~/.ssh/id_rsa")`.
                    "joinpath" if self.lang == Lang::Python => {
                        let parts: Option<Vec<String>> =
                            argv.iter().map(|a| string_value(&text(*a))).collect();
                        return joined_path(&text(object), &parts?);
                    }
                    "format" if self.lang == Lang::Python => {
                        return self.formatted(object, &argv, env, depth, inline)
                    }
                    // `"npm run test".split()` → `["npm", "run", "test"]`
                    "split" if argv.len() <= 1 => {
                        let subject = self.string_of(object, env, depth, inline)?;
                        let words: Vec<String> = match argv.first() {
                            None => subject.split_whitespace().map(quote).collect(),
                            Some(sep) => {
                                let sep = string_value(&text(*sep))?;
                                if sep.is_empty() {
                                    return None;
                                }
                                subject.split(sep.as_str()).map(quote).collect()
                            }
                        };
                        return Some(format!("[{}]", words.join(", ")));
                    }
                    "replace" | "replaceAll" if argv.len() == 2 => {
                        let subject = self.string_of(object, env, depth, inline)?;
                        let from = string_value(&text(argv[0]))?;
                        let to = string_value(&text(argv[1]))?;
                        if from.is_empty() {
                            return None;
                        }
                        return Some(quote(&subject.replace(&from, &to)));
                    }
                    _ => return None,
                }
                // JavaScript `LIST.join(SEP)`, Python `SEP.join(LIST)`.
                // (`"".join(x for x in …)`: the generator is the argument list itself.)
                let generator = call
                    .child_by_field_name("arguments")
                    .filter(|a| a.kind() == "generator_expression");
                let (list, separator) = match self.lang {
                    Lang::Python => (generator.or(argv.first().copied())?, Some(text(object))),
                    _ => (object, argv.first().map(|s| text(*s))),
                };
                let separator = match separator {
                    Some(s) => string_value(&s)?,
                    None => ",".to_string(),
                };
                // `"".join(chr(c) for c in [114, 109])`, `[chr(c) for c in codes]`.
                if let Some(chars) = self.chr_comprehension(list, env) {
                    return Some(quote(&chars.join(&separator)));
                }
                let parts: Option<Vec<String>> = self
                    .all_elements(list, env)?
                    .into_iter()
                    .map(|e| string_value(&text(e)))
                    .collect();
                Some(quote(&parts?.join(&separator)))
            }
        }
    }

    /// The string an expression stands for: a literal, or a name or member bound to one.
    fn string_of(
        &self,
        node: Node<'t>,
        env: &Env<'t>,
        depth: usize,
        inline: usize,
    ) -> Option<String> {
        string_value(&self.text(node, env, depth + 1, inline)).or_else(|| {
            let literal = self.literal_node(node, env, 0)?;
            string_value(&self.text(literal, env, depth + 1, inline))
        })
    }

    /// `"git log --since={since}".format(since="2.weeks")` with every value a literal: the
    /// formatted string (`{}`, `{0}` and `{name}` fields without format specs).
    fn formatted(
        &self,
        template: Node<'t>,
        argv: &[Node<'t>],
        env: &Env<'t>,
        depth: usize,
        inline: usize,
    ) -> Option<String> {
        let template = self.string_of(template, env, depth, inline)?;
        // Each value as its expression text (see `Concatenation::push_value`).
        let mut positional = Vec::new();
        let mut keyword: HashMap<String, String> = HashMap::new();
        for a in argv {
            match a.kind() {
                "keyword_argument" => {
                    let k = self.src(a.child_by_field_name("name")?).to_string();
                    let v = self.text(a.child_by_field_name("value")?, env, depth + 1, inline);
                    keyword.insert(k, v);
                }
                // `**spec` with a literal dict behind it.
                "dictionary_splat" => {
                    let dict = self.literal_node(a.named_child(0)?, env, 0)?;
                    for (k, v) in self.table(dict) {
                        keyword.insert(k, self.text(v, env, depth + 1, inline));
                    }
                }
                _ => positional.push(self.text(*a, env, depth + 1, inline)),
            }
        }
        let mut out = Concatenation::default();
        let mut next = 0;
        let mut rest = template.as_str();
        while let Some(open) = rest.find(['{', '}']) {
            out.literal.push_str(&rest[..open]);
            let tail = &rest[open..];
            if tail.starts_with("{{") || tail.starts_with("}}") {
                out.literal.push_str(&tail[..1]);
                rest = &tail[2..];
                continue;
            }
            let close = tail.find('}')?;
            let field = &tail[1..close];
            let value = if field.is_empty() {
                next += 1;
                positional.get(next - 1)?
            } else if let Ok(i) = field.parse::<usize>() {
                positional.get(i)?
            } else if field.chars().all(|c| c.is_alphanumeric() || c == '_') {
                keyword.get(field)?
            } else {
                return None;
            };
            out.push_value(value.clone());
            rest = &tail[close + 1..];
        }
        out.literal.push_str(rest);
        Some(out.into_text())
    }

    /// `"rm -rf %s" % os.path.expanduser("~")`, `"%s %s" % (a, b)`: the template with its
    /// `%s`/`%d`/`%r` holes filled, computed values as parts of a concatenation.
    fn percent_formatted(
        &self,
        node: Node<'t>,
        env: &Env<'t>,
        depth: usize,
        inline: usize,
    ) -> Option<String> {
        let template = self.string_of(node.child_by_field_name("left")?, env, depth, inline)?;
        let right = node.child_by_field_name("right")?;
        let values: Vec<Node<'t>> = if right.kind() == "tuple" {
            let mut cursor = right.walk();
            right.named_children(&mut cursor).collect()
        } else {
            vec![right]
        };
        let mut values = values.into_iter();
        let mut out = Concatenation::default();
        let mut rest = template.as_str();
        while let Some(at) = rest.find('%') {
            out.literal.push_str(&rest[..at]);
            let conv = rest[at + 1..].chars().next()?;
            match conv {
                '%' => out.literal.push('%'),
                's' | 'd' | 'i' | 'r' => {
                    out.push_value(self.text(values.next()?, env, depth + 1, inline))
                }
                // Widths, precisions and mapping keys are left as written.
                _ => return None,
            }
            rest = &rest[at + 2..];
        }
        if values.next().is_some() {
            return None;
        }
        out.literal.push_str(rest);
        Some(out.into_text())
    }

    /// Is this identifier a variable reference (not an attribute name or a keyword's name)?
    pub(super) fn substitutable(&self, node: Node, parent: Option<Node>) -> bool {
        let Some(parent) = parent else {
            return true;
        };
        let is = |field: &str| parent.child_by_field_name(field) == Some(node);
        match parent.kind() {
            "attribute" => !is("attribute"),
            "keyword_argument" => !is("name"),
            "parameters"
            | "lambda_parameters"
            | "formal_parameters"
            | "default_parameter"
            | "typed_parameter"
            | "typed_default_parameter"
            | "list_splat_pattern"
            | "rest_pattern"
            | "dictionary_splat_pattern"
            | "aliased_import"
            | "dotted_name"
            | "import_from_statement"
            | "import_statement"
            | "import_specifier"
            | "import_clause"
            | "namespace_import"
            | "global_statement"
            | "nonlocal_statement"
            | "pattern_list"
            | "tuple_pattern"
            | "for_statement"
            | "for_in_statement"
            | "augmented_assignment"
            | "update_expression"
            | "shorthand_property_identifier_pattern"
            | "pair_pattern" => {
                // (a `for` loop's variable is its `left`; its list is substituted)
                matches!(parent.kind(), "for_statement" | "for_in_statement") && !is("left")
            }
            "assignment" | "assignment_expression" | "variable_declarator" => {
                !is("left") && !is("name")
            }
            _ => true,
        }
    }

    /// Parameters bound to a call's arguments (and defaults), as code text, on top of the
    /// receiver context `ctx`.
    pub(super) fn bind(
        &self,
        def: &Def<'t>,
        args: Node<'t>,
        env: &Env<'t>,
        depth: usize,
        ctx: Env<'t>,
    ) -> Env<'t> {
        if !matches!(args.kind(), "argument_list" | "arguments") {
            return self.bind_defaults(def, ctx);
        }
        let mut positional = Vec::new();
        let mut keyword = HashMap::new();
        // Arguments that are literal dicts or lists, for member lookups in the body.
        let mut literal_positional = Vec::new();
        let mut literal_keyword = HashMap::new();
        let mut cursor = args.walk();
        for a in args.named_children(&mut cursor) {
            match a.kind() {
                "keyword_argument" => {
                    if let (Some(k), Some(v)) = (
                        a.child_by_field_name("name"),
                        a.child_by_field_name("value"),
                    ) {
                        keyword.insert(self.src(k), self.text(v, env, depth + 1, MAX_INLINE - 1));
                        if let Some(n) = self.literal_node(v, env, 0) {
                            literal_keyword.insert(self.src(k), n);
                        }
                    }
                }
                "comment" => {}
                _ => {
                    positional.push(self.text(a, env, depth + 1, MAX_INLINE - 1));
                    literal_positional.push(self.literal_node(a, env, 0));
                }
            }
        }
        let mut bound = self.bind_values(def, positional, keyword, ctx);
        let mut literal_positional = literal_positional.into_iter();
        for (name, default) in def.params.iter().skip(usize::from(def.receiver_param)) {
            if name.starts_with('*') {
                break;
            }
            let node = literal_positional
                .next()
                .flatten()
                .or_else(|| literal_keyword.get(name.as_str()).copied())
                .or_else(|| default.and_then(|d| self.literal_node(d, &Env::default(), 0)));
            if let Some(n) = node.filter(|n| {
                matches!(
                    n.kind(),
                    "dictionary" | "object" | "list" | "tuple" | "array"
                )
            }) {
                bound.nodes.insert(name.clone(), n);
            }
        }
        bound
    }

    /// Parameters bound to argument texts.
    pub(super) fn bind_values(
        &self,
        def: &Def<'t>,
        positional: Vec<String>,
        mut keyword: HashMap<&str, String>,
        ctx: Env<'t>,
    ) -> Env<'t> {
        let mut bound = ctx;
        let mut positional = positional.into_iter();
        for (name, default) in def.params.iter().skip(usize::from(def.receiver_param)) {
            if let Some(rest) = name.strip_prefix('*') {
                // `*args`: spread where it is spread (`[*args]`), a list where it is named.
                let values: Vec<String> = positional.by_ref().collect();
                bound
                    .vars
                    .insert(rest.to_string(), format!("[{}]", values.join(", ")));
                bound.vars.insert(name.clone(), values.join(", "));
                continue;
            }
            let value = positional
                .next()
                .or_else(|| keyword.remove(name.as_str()))
                .or_else(|| default.map(|d| self.text(d, &Env::default(), 0, MAX_INLINE)));
            if let (false, Some(v)) = (name.is_empty(), value) {
                bound.vars.insert(name.clone(), v);
            }
        }
        bound
    }

    /// Parameters bound to their defaults only.
    pub(super) fn bind_defaults(&self, def: &Def<'t>, ctx: Env<'t>) -> Env<'t> {
        self.bind_values(def, Vec::new(), HashMap::new(), ctx)
    }
}

/// An interpolated string being rewritten as a concatenation of its literal runs and its
/// holes' expression text; `finish` gives it only when some hole is computed.
#[derive(Default)]
struct Concatenation {
    parts: Vec<String>,
    literal: String,
    computed: bool,
}

impl Concatenation {
    /// Closes the literal run so far and appends a hole's expression text.
    fn push_expression(&mut self, text: String, computed: bool) {
        self.parts.push(quote(&std::mem::take(&mut self.literal)));
        self.parts.push(format!("({text})"));
        self.computed |= computed;
    }

    /// Fills a hole with a value's expression text: a string or number literal is literal text,
    /// anything else a computed part.
    fn push_value(&mut self, expr: String) {
        match string_value(&expr).or_else(|| numeric(&expr)) {
            Some(text) => self.literal.push_str(&text),
            None => self.push_expression(expr, true),
        }
    }

    /// The concatenation, or `None` when every hole kept its place as written.
    fn finish(self) -> Option<String> {
        self.computed.then(|| self.into_text())
    }

    /// The concatenation; a single quoted literal when no hole was appended.
    fn into_text(mut self) -> String {
        self.parts.push(quote(&self.literal));
        self.parts.join(" + ")
    }
}

/// A `pathlib` path (`Path.home()`, `Path("~/x")`, `pathlib.Path("/etc").expanduser()`, as
/// rendered text) joined with literal parts: `Path("~/x/part")`. `None` when the base is not
/// such a path.
fn joined_path(base: &str, parts: &[String]) -> Option<String> {
    let base = base.trim();
    let base = base.strip_suffix(".expanduser()").unwrap_or(base);
    let base = base
        .strip_prefix('(')
        .and_then(|b| b.strip_suffix(')'))
        .unwrap_or(base);
    let base = base.strip_prefix("pathlib.").unwrap_or(base);
    let root = if base == "Path.home()" {
        "~".to_string()
    } else {
        let inner = base
            .strip_prefix("Path(")
            .or_else(|| base.strip_prefix("PurePath("))
            .or_else(|| base.strip_prefix("PosixPath("))?
            .strip_suffix(')')?;
        string_value(inner)?
    };
    let mut path = root.trim_end_matches('/').to_string();
    for part in parts {
        if part.starts_with('/') {
            path = part.trim_end_matches('/').to_string();
        } else {
            path.push('/');
            path.push_str(part.trim_end_matches('/'));
        }
    }
    Some(format!("Path({})", quote(&path)))
}
