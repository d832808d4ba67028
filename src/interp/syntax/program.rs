//! Reading a snippet once: its functions, classes, aliases, literal tables and lists, the
//! values bound once, and where every name is used.

use super::*;

impl<'t, 'v> Program<'t, 'v> {
    pub(super) fn read(lang: Lang, vocab: &'v Vocab, code: &'t str, root: Node<'t>) -> Self {
        let mut p = Program {
            lang,
            vocab,
            code,
            functions: HashMap::new(),
            classes: HashMap::new(),
            aliases: HashMap::new(),
            tables: HashMap::new(),
            lists: HashMap::new(),
            values: HashMap::new(),
            literals: HashMap::new(),
            instances: HashMap::new(),
            constructed: HashMap::new(),
            handlers: HashMap::new(),
            modules: HashSet::new(),
            uses: HashMap::new(),
            followed: RefCell::new(HashMap::new()),
            nesting: Cell::new(0),
            work: Cell::new(0),
        };
        let mut assigned: HashMap<String, usize> = HashMap::new();
        let mut definition_names: HashSet<usize> = HashSet::new();
        // Every node, without recursion (the tree may be deep).
        each_node(root, |node, _, _| {
            p.note(node, &mut assigned, &mut definition_names)
        });
        // Uses, once the definitions' own names are known; and names bound other than by a
        // plain assignment (a parameter, a loop variable, `+=`, `with … as`), which may hold
        // another value.
        each_node(root, |node, parent, grand| match node.kind() {
            "identifier" | "property_identifier" | "shorthand_property_identifier" => {
                if node.kind() == "identifier" && parent.is_some_and(|pa| rebinds(node, pa)) {
                    *assigned.entry(p.src(node).to_string()).or_default() += 2;
                }
                if !definition_names.contains(&node.start_byte())
                    && !parent.is_some_and(|pa| p.module_member(node, pa))
                {
                    p.uses
                        .entry(p.src(node).to_string())
                        .or_default()
                        .insert(node.start_byte());
                }
            }
            // A name looked up by its text (`getattr(o, "run")`, `globals()["run"]`).
            "string"
                if node.byte_range().len() < 80
                    && parent.is_some_and(|pa| looked_up(pa, grand, code)) =>
            {
                p.uses
                    .entry(key_text(p.src(node)))
                    .or_default()
                    .insert(usize::MAX);
            }
            _ => {}
        });
        let once = |name: &String| assigned.get(name) == Some(&1);
        p.aliases.retain(|name, _| once(name));
        p.tables.retain(|name, _| once(name));
        p.lists.retain(|name, _| once(name));
        p.values.retain(|name, _| once(name));
        p.literals.retain(|name, _| once(name));
        p.constructed.retain(|name, _| once(name));
        p.functions.retain(|name, _| once(name));
        let classes: HashSet<&String> = p.classes.keys().collect();
        let instances: HashMap<String, Node<'t>> = p
            .instances
            .iter()
            .filter(|(name, call)| {
                once(name)
                    && constructor_name(**call, code)
                        .is_some_and(|c| classes.contains(&c.to_string()))
            })
            .map(|(n, c)| (n.clone(), *c))
            .collect();
        p.instances = instances;
        p
    }

    /// Record what one node defines.
    pub(super) fn note(
        &mut self,
        node: Node<'t>,
        assigned: &mut HashMap<String, usize>,
        definition_names: &mut HashSet<usize>,
    ) {
        match node.kind() {
            "function_definition"
            | "function_declaration"
            | "generator_function_declaration"
            | "method_definition" => {
                let Some(name_node) = node.child_by_field_name("name") else {
                    return;
                };
                definition_names.insert(name_node.start_byte());
                let name = self.src(name_node).to_string();
                let class = self.enclosing_class(node);
                let receiver_param = self.lang == Lang::Python
                    && class.is_some()
                    && !decorated_with(node, self.code, "staticmethod");
                let Some(def) = self.def(node, Some(&name), receiver_param) else {
                    return;
                };
                match class {
                    Some(class) => {
                        self.classes
                            .entry(class)
                            .or_default()
                            .methods
                            .insert(name, def);
                    }
                    None if node.kind() != "method_definition" => {
                        *assigned.entry(name.clone()).or_default() += 1;
                        self.functions.insert(name, def);
                    }
                    None => {}
                }
            }
            "class_definition" | "class_declaration" | "class" => {
                let Some(name) = node.child_by_field_name("name") else {
                    return;
                };
                definition_names.insert(name.start_byte());
                let mut bases = Vec::new();
                let mut cursor = node.walk();
                for child in node.children(&mut cursor) {
                    if matches!(child.kind(), "argument_list" | "class_heritage") {
                        let mut inner = child.walk();
                        bases.extend(
                            child
                                .named_children(&mut inner)
                                .filter(|b| b.kind() == "identifier")
                                .map(|b| self.src(b).to_string()),
                        );
                    }
                }
                self.classes
                    .entry(self.src(name).to_string())
                    .or_default()
                    .bases = bases;
            }
            // A class-level attribute (`ROOT = "/"`) or field (`root = "/"`, `static R = 1`).
            "field_definition" => {
                if let (Some(class), Some(k), Some(v)) = (
                    self.enclosing_class(node),
                    node.child_by_field_name("property"),
                    node.child_by_field_name("value"),
                ) {
                    let k = self.src(k).to_string();
                    self.classes.entry(class).or_default().attrs.push((k, v));
                }
            }
            // Python `name = value`, JavaScript `const name = value` and `name = value`.
            "assignment" | "variable_declarator" | "assignment_expression" => {
                let left = node
                    .child_by_field_name("left")
                    .or_else(|| node.child_by_field_name("name"));
                let right = node
                    .child_by_field_name("right")
                    .or_else(|| node.child_by_field_name("value"));
                let (Some(left), Some(right)) = (left, right) else {
                    return;
                };
                match left.kind() {
                    "object_pattern" => self.destructure(left, right, assigned),
                    // `o, w = os.open, os.write`
                    "pattern_list" | "tuple_pattern" if right.kind() == "expression_list" => {
                        let mut lc = left.walk();
                        let mut rc = right.walk();
                        for (l, r) in left
                            .named_children(&mut lc)
                            .zip(right.named_children(&mut rc))
                        {
                            if l.kind() == "identifier" {
                                let name = self.src(l).to_string();
                                *assigned.entry(name.clone()).or_default() += 1;
                                if matches!(r.kind(), "identifier" | "attribute") {
                                    self.aliases.insert(name, Alias::Expr(r));
                                }
                            }
                        }
                    }
                    "identifier" => {
                        let name = self.src(left).to_string();
                        *assigned.entry(name.clone()).or_default() += 1;
                        if node.kind() == "assignment" {
                            if let Some(class) = self.class_body_of(node) {
                                self.classes
                                    .entry(class)
                                    .or_default()
                                    .attrs
                                    .push((name, right));
                                return;
                            }
                        }
                        if self.pure(right, 0) {
                            self.values.insert(name.clone(), right);
                        }
                        self.bind_name(name, unparenthesize(right));
                    }
                    _ => {}
                }
            }
            // `bus.on("clean", handler)`
            "call_expression" => {
                let (Some(f), Some(args)) = (
                    node.child_by_field_name("function"),
                    node.child_by_field_name("arguments"),
                ) else {
                    return;
                };
                let (Some(object), Some(method)) = (
                    f.child_by_field_name("object"),
                    f.child_by_field_name("property"),
                ) else {
                    return;
                };
                if !matches!(
                    self.src(method),
                    "on" | "once" | "addListener" | "prependListener"
                ) {
                    return;
                }
                let mut cursor = args.walk();
                let argv: Vec<Node> = args.named_children(&mut cursor).collect();
                if let [event, handler] = argv.as_slice() {
                    if let Some(event) = string_value(self.src(*event)) {
                        self.handlers
                            .entry((compact(self.src(object)), event))
                            .or_default()
                            .push(*handler);
                    }
                }
            }
            // `from os import execvp as ex`: `ex` is `os.execvp`.
            "import_from_statement" if self.lang == Lang::Python => {
                let Some(module) = node.child_by_field_name("module_name") else {
                    return;
                };
                let module = self.src(module).to_string();
                let mut cursor = node.walk();
                for child in node.children_by_field_name("name", &mut cursor) {
                    let (name, local) = match child.kind() {
                        "aliased_import" => (
                            child.child_by_field_name("name"),
                            child.child_by_field_name("alias"),
                        ),
                        _ => (Some(child), Some(child)),
                    };
                    if let (Some(name), Some(local)) = (name, local) {
                        let local = self.src(local).to_string();
                        *assigned.entry(local.clone()).or_default() += 1;
                        self.aliases
                            .insert(local, Alias::Module(format!("{module}.{}", self.src(name))));
                    }
                }
            }
            "import_statement" | "import_clause" | "namespace_import" => {
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    let name = match child.kind() {
                        "aliased_import" => child.child_by_field_name("alias"),
                        "dotted_name" => child.named_child(0),
                        "identifier" => Some(child),
                        _ => None,
                    };
                    if let Some(n) = name {
                        self.modules.insert(self.src(n).to_string());
                    }
                }
            }
            _ => {}
        }
    }

    /// Is this value computed without side effects from literals, paths, the home directory
    /// and environment lookups (so writing it in place of its name changes nothing)?
    pub(super) fn pure(&self, node: Node<'t>, depth: usize) -> bool {
        if depth > 12 {
            return false;
        }
        let node = unparenthesize(node);
        let all_children = |n: Node<'t>| {
            let mut cursor = n.walk();
            let children: Vec<Node> = n.named_children(&mut cursor).collect();
            children.into_iter().all(|c| self.pure(c, depth + 1))
        };
        match node.kind() {
            "string" | "template_string" | "concatenated_string" => all_children(node),
            "string_start" | "string_content" | "string_end" | "string_fragment"
            | "escape_sequence" | "integer" | "float" | "number" | "true" | "false" | "none"
            | "null" | "comment" => true,
            "interpolation" | "template_substitution" => all_children(node),
            "binary_operator" | "binary_expression" => all_children(node),
            "identifier" => {
                let name = self.src(node);
                self.modules.contains(name) || matches!(name, "os" | "process" | "Path")
            }
            "attribute" | "member_expression" => node
                .child_by_field_name("object")
                .is_some_and(|o| self.pure(o, depth + 1)),
            "subscript" | "subscript_expression" => {
                let object = node
                    .child_by_field_name("value")
                    .or_else(|| node.child_by_field_name("object"));
                object.is_some_and(|o| {
                    matches!(compact(self.src(o)).as_str(), "os.environ" | "process.env")
                })
            }
            "call" | "call_expression" => {
                let Some(f) = callee(node) else {
                    return false;
                };
                let called = compact(self.src(f));
                let tail = called.rsplit('.').next().unwrap_or("");
                PURE_CALLS.contains(&tail)
                    && node
                        .child_by_field_name("arguments")
                        .is_some_and(&all_children)
            }
            "argument_list" | "arguments" => all_children(node),
            _ => false,
        }
    }

    /// Is this the member name in `module.member` (`subprocess.run`)?
    pub(super) fn module_member(&self, node: Node, parent: Node) -> bool {
        let member = parent
            .child_by_field_name("attribute")
            .or_else(|| parent.child_by_field_name("property"));
        matches!(parent.kind(), "attribute" | "member_expression")
            && member == Some(node)
            && parent
                .child_by_field_name("object")
                .is_some_and(|o| self.modules.contains(self.src(o)))
    }

    /// Remember what `name = value` makes `name`.
    pub(super) fn bind_name(&mut self, name: String, value: Node<'t>) {
        match value.kind() {
            "lambda" | "arrow_function" | "function_expression" | "function" => {
                if let Some(def) = self.def(value, Some(&name), false) {
                    self.functions.insert(name, def);
                }
            }
            "identifier"
            | "attribute"
            | "member_expression"
            | "subscript"
            | "subscript_expression" => {
                self.aliases.insert(name, Alias::Expr(value));
            }
            "dictionary" | "object" => {
                self.literals.insert(name.clone(), value);
                let table = self.table(value);
                if !table.is_empty() {
                    self.tables.insert(name, table);
                }
            }
            "list" | "tuple" | "array" => {
                self.literals.insert(name.clone(), value);
                self.lists.insert(name, value);
            }
            "call" | "call_expression" | "new_expression" => {
                if callee(value).is_some_and(|c| self.src(c) == "require") {
                    self.modules.insert(name.clone());
                }
                if let Some(module) = self.imported_by_name(value) {
                    self.modules.insert(name.clone());
                    self.aliases.insert(name, Alias::Module(module));
                    return;
                }
                self.constructed.insert(name.clone(), value);
                if let Some(alias) = self.partial(value) {
                    self.aliases.insert(name, alias);
                } else {
                    self.instances.insert(name, value);
                }
            }
            _ => {}
        }
    }

    /// `importlib.import_module("shu" + "til")`, `__import__("os")`: the module's name.
    pub(super) fn imported_by_name(&self, call: Node<'t>) -> Option<String> {
        if self.lang != Lang::Python {
            return None;
        }
        let called = compact(self.src(callee(call)?));
        if !matches!(
            called.as_str(),
            "importlib.import_module" | "import_module" | "__import__" | "builtins.__import__"
        ) {
            return None;
        }
        let arg = call.child_by_field_name("arguments")?.named_child(0)?;
        let name = string_value(&self.text(arg, &Env::default(), 0, MAX_INLINE))?;
        name.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
            .then_some(name)
    }

    /// `functools.partial(f, a, k=v)`, `f.bind(this, a)`, `promisify(f)`: the function and
    /// the arguments bound in front.
    pub(super) fn partial(&self, call: Node<'t>) -> Option<Alias<'t>> {
        let callee = callee(call)?;
        let args = call_arguments(call)?;
        let called = compact(self.src(callee));
        let tail = called.rsplit('.').next().unwrap_or("");
        match tail {
            "partial" | "partialmethod" => {
                let (f, rest) = args.split_first()?;
                Some(Alias::Partial(*f, rest.to_vec()))
            }
            "promisify" | "callbackify" => Some(Alias::Expr(*args.first()?)),
            "bind" if matches!(callee.kind(), "member_expression") => {
                let f = callee.child_by_field_name("object")?;
                Some(Alias::Partial(f, args.iter().skip(1).copied().collect()))
            }
            _ => None,
        }
    }

    /// `const {execSync: run, spawn} = require("child_process")`: each name is the member.
    pub(super) fn destructure(
        &mut self,
        pattern: Node<'t>,
        source: Node<'t>,
        assigned: &mut HashMap<String, usize>,
    ) {
        let mut cursor = pattern.walk();
        for field in pattern.named_children(&mut cursor) {
            let (key, local) = match field.kind() {
                "shorthand_property_identifier_pattern" => (field, field),
                "pair_pattern" => match (
                    field.child_by_field_name("key"),
                    field.child_by_field_name("value"),
                ) {
                    (Some(k), Some(v)) if v.kind() == "identifier" => (k, v),
                    _ => continue,
                },
                _ => continue,
            };
            let name = self.src(local).to_string();
            *assigned.entry(name.clone()).or_default() += 1;
            self.aliases.insert(name, Alias::Member(source, key));
        }
    }

    /// Keys of a dict or object literal mapped to their values.
    pub(super) fn table(&self, literal: Node<'t>) -> HashMap<String, Node<'t>> {
        let mut out = HashMap::new();
        let mut cursor = literal.walk();
        for entry in literal.named_children(&mut cursor) {
            match entry.kind() {
                "pair" => {
                    if let (Some(k), Some(v)) = (
                        entry.child_by_field_name("key"),
                        entry.child_by_field_name("value"),
                    ) {
                        out.insert(key_text(self.src(k)), v);
                    }
                }
                "method_definition" => {
                    if let Some(k) = entry.child_by_field_name("name") {
                        out.insert(key_text(self.src(k)), entry);
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// The class a method or field is written in.
    pub(super) fn enclosing_class(&self, node: Node<'t>) -> Option<String> {
        let mut parent = node.parent();
        for _ in 0..3 {
            let p = parent?;
            match p.kind() {
                "class_definition" | "class_declaration" | "class" => {
                    return p
                        .child_by_field_name("name")
                        .map(|n| self.src(n).to_string());
                }
                "block" | "decorated_definition" | "class_body" => parent = p.parent(),
                _ => return None,
            }
        }
        None
    }

    /// The class whose body holds this Python assignment directly (`class A: ROOT = "/"`).
    pub(super) fn class_body_of(&self, assignment: Node<'t>) -> Option<String> {
        let statement = assignment.parent()?;
        if statement.kind() != "expression_statement" {
            return None;
        }
        let block = statement.parent()?;
        let class = block.parent()?;
        (block.kind() == "block" && class.kind() == "class_definition")
            .then(|| {
                class
                    .child_by_field_name("name")
                    .map(|n| self.src(n).to_string())
            })
            .flatten()
    }

    /// A definition read from a function, method, lambda or arrow function node.
    pub(super) fn def(
        &self,
        node: Node<'t>,
        name: Option<&str>,
        receiver_param: bool,
    ) -> Option<Def<'t>> {
        let body = node.child_by_field_name("body")?;
        let mut params = Vec::new();
        if let Some(single) = node.child_by_field_name("parameter") {
            params.push((self.src(single).to_string(), None));
        }
        if let Some(list) = node.child_by_field_name("parameters") {
            let mut cursor = list.walk();
            for p in list.named_children(&mut cursor) {
                match p.kind() {
                    "identifier" => params.push((self.src(p).to_string(), None)),
                    "typed_parameter" => {
                        if let Some(id) = p.named_child(0).filter(|c| c.kind() == "identifier") {
                            params.push((self.src(id).to_string(), None));
                        }
                    }
                    "default_parameter" | "typed_default_parameter" | "assignment_pattern" => {
                        let name = p
                            .child_by_field_name("name")
                            .or_else(|| p.child_by_field_name("left"));
                        let value = p
                            .child_by_field_name("value")
                            .or_else(|| p.child_by_field_name("right"));
                        if let Some(n) = name {
                            params.push((self.src(n).to_string(), value));
                        }
                    }
                    "comment" => {}
                    // `*args`, `...rest`: the remaining arguments, as `*NAME`.
                    "list_splat_pattern" | "rest_pattern" => {
                        let name = p.named_child(0).filter(|c| c.kind() == "identifier");
                        params.push((
                            name.map(|n| format!("*{}", self.src(n)))
                                .unwrap_or_default(),
                            None,
                        ));
                    }
                    // `**kw`, destructuring: a placeholder keeps positions.
                    _ => params.push((String::new(), None)),
                }
            }
        }
        let returns = match body.kind() {
            "block" | "statement_block" => {
                let mut cursor = body.walk();
                let statements: Vec<Node> = body
                    .named_children(&mut cursor)
                    .filter(|n| n.kind() != "comment")
                    .collect();
                match statements.as_slice() {
                    [only] if only.kind() == "return_statement" => only.named_child(0),
                    _ => None,
                }
            }
            _ => Some(body),
        };
        let walker = name.is_some_and(|n| self.is_walker(n, body));
        let property = decorated_with(node, self.code, "property")
            || (node.kind() == "method_definition"
                && node.child(0).is_some_and(|k| self.src(k) == "get"));
        Some(Def {
            name: name.map(str::to_string),
            params,
            body,
            returns,
            receiver_param,
            walker,
            property,
        })
    }

    /// Does a function named `name` with this body list a directory, call itself and remove
    /// entries?
    pub(super) fn is_walker(&self, name: &str, body: Node<'t>) -> bool {
        let (mut lists, mut recurses, mut removes) = (false, false, false);
        let mut stack = vec![(body, 0usize)];
        while let Some((node, depth)) = stack.pop() {
            if depth > MAX_NODE_DEPTH {
                continue;
            }
            if let Some(callee) = callee(node) {
                let called = compact(self.src(callee));
                let tail = called.rsplit('.').next().unwrap_or(&called);
                lists |= in_list(&called, &self.vocab.list) || in_list(&called, &self.vocab.walk);
                removes |=
                    in_list(&called, &self.vocab.unlink) || in_list(&called, &self.vocab.delete);
                recurses |= called == name || (tail == name && called.len() > tail.len());
            }
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                stack.push((child, depth + 1));
            }
        }
        lists && recurses && removes
    }

    pub(super) fn src(&self, node: Node) -> &'t str {
        self.code.get(node.byte_range()).unwrap_or("")
    }

    /// Count one unit of work; false once the budget is spent.
    pub(super) fn spend(&self) -> bool {
        let w = self.work.get() + 1;
        self.work.set(w);
        // The analysis's deadline is read every 1,024 units.
        if w.is_multiple_of(1024) && super::super::out_of_time() {
            self.work.set(MAX_WORK + 1);
            return false;
        }
        w <= MAX_WORK
    }

    pub(super) fn exhausted(&self) -> bool {
        self.work.get() > MAX_WORK
    }

    /// Note that the use of `name` at `at` was written out.
    pub(super) fn follow(&self, name: &str, at: usize) {
        self.followed
            .borrow_mut()
            .entry(name.to_string())
            .or_default()
            .insert(at);
    }

    /// Names of definitions every use of which was written out.
    pub(super) fn fully_followed(&self) -> HashSet<String> {
        self.followed
            .borrow()
            .iter()
            .filter(|(name, done)| {
                self.uses
                    .get(name.as_str())
                    .is_some_and(|uses| uses.iter().all(|u| done.contains(u)))
            })
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// A statement that only defines something (its body runs when it is called).
    pub(super) fn defines_only(&self, node: Node) -> bool {
        match node.kind() {
            "function_definition"
            | "decorated_definition"
            | "class_definition"
            | "function_declaration"
            | "generator_function_declaration"
            | "class_declaration" => true,
            "lexical_declaration" | "variable_declaration" => {
                let mut cursor = node.walk();
                let declarators: Vec<Node> = node.named_children(&mut cursor).collect();
                !declarators.is_empty()
                    && declarators.iter().all(|d| {
                        d.child_by_field_name("value").is_some_and(|v| {
                            matches!(
                                unparenthesize(v).kind(),
                                "arrow_function" | "function_expression" | "function"
                            )
                        })
                    })
            }
            "expression_statement" => node.named_child(0).is_some_and(|a| {
                a.kind() == "assignment"
                    && a.child_by_field_name("right")
                        .is_some_and(|r| unparenthesize(r).kind() == "lambda")
            }),
            _ => false,
        }
    }

    /// A definition statement without the definitions in `removable`.
    pub(super) fn residual(&self, statement: Node<'t>, removable: &HashSet<String>) -> String {
        let mut cut: Vec<(usize, usize)> = Vec::new();
        let mut stack = vec![(statement, 0usize)];
        while let Some((node, depth)) = stack.pop() {
            if depth > MAX_NODE_DEPTH {
                continue;
            }
            let named = |n: Node| {
                n.child_by_field_name("name")
                    .is_some_and(|name| removable.contains(self.src(name)))
            };
            let remove = match node.kind() {
                "function_definition"
                | "function_declaration"
                | "generator_function_declaration"
                | "method_definition" => named(node),
                "decorated_definition" => node
                    .child_by_field_name("definition")
                    .is_some_and(|d| d.kind() == "function_definition" && named(d)),
                "lexical_declaration" | "variable_declaration" => {
                    self.defines_only(node) && {
                        let mut cursor = node.walk();
                        let all = node.named_children(&mut cursor).all(named);
                        all
                    }
                }
                "expression_statement" => {
                    self.defines_only(node)
                        && node
                            .named_child(0)
                            .and_then(|a| a.child_by_field_name("left"))
                            .is_some_and(|l| removable.contains(self.src(l)))
                }
                _ => false,
            };
            if remove {
                cut.push((node.start_byte(), node.end_byte()));
                continue;
            }
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                stack.push((child, depth + 1));
            }
        }
        cut.sort_unstable();
        let mut out = String::new();
        let mut at = statement.start_byte();
        for (start, end) in cut {
            if start < at {
                continue;
            }
            out.push_str(self.code.get(at..start).unwrap_or(""));
            if self.lang == Lang::Python {
                // Keep the block well formed: a removed method leaves `pass`.
                out.push_str("pass");
            }
            at = end;
        }
        out.push_str(self.code.get(at..statement.end_byte()).unwrap_or(""));
        out
    }
}
